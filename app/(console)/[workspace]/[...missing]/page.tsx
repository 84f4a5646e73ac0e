import { notFound } from "next/navigation";

// Any path under a workspace that no page matches: the console's branded 404, inside the shell
// (without this, Next answers an unmatched path with its plain root 404).
export default function MissingConsolePage(): never {
  notFound();
}
