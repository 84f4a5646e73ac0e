import type { Progress } from "@/lib/use-cases/types";

export function ProgressBar({ progress }: { progress: Progress }) {
  return (
    <div className="mb-6">
      <div className="mb-1 flex justify-between text-xs text-slate-600">
        <span id="setup-progress-label">Setup progress</span>
        <span data-testid="setup-progress-text">
          {progress.done} of {progress.total} steps done
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby="setup-progress-label"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
        aria-valuetext={`${progress.done} of ${progress.total} steps done`}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className="h-full rounded-full bg-brand-600 transition-all"
          style={{ width: `${progress.percent}%` }}
        />
      </div>
    </div>
  );
}
