import Link from "next/link";

// A path outside any workspace the viewer can open (or no page at all): branded, with a way back.
export default function NotFound() {
  return (
    <main className="mx-auto mt-24 max-w-lg px-6 text-center" aria-labelledby="not-found-title">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 id="not-found-title" className="mt-1 text-xl font-semibold text-slate-900">
        This page does not exist
      </h1>
      <p className="mt-3 text-sm text-slate-600">The link may be old, or what it pointed to was deleted.</p>
      <Link
        href="/"
        className="mt-6 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 dark:hover:bg-brand-500"
      >
        Back to Switchyard
      </Link>
    </main>
  );
}
