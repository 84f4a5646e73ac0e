"use client";

import { javascript } from "@codemirror/lang-javascript";
import { EditorState } from "@codemirror/state";
import { basicSetup, EditorView } from "codemirror";
import { useEffect, useRef } from "react";
import { codeTheme } from "@/components/functions/code-theme";

// CodeMirror 6 with JavaScript highlighting, line numbers, bracket matching, search and undo.
// Uncontrolled after mount: the parent gets every change through onChange and remounts it (key)
// to load other code.

export function CodeEditor({
  value,
  onChange,
  readOnly = false,
  label = "Function code",
  language = "javascript",
  minHeight = "24rem",
}: {
  value: string;
  onChange?: (next: string) => void;
  readOnly?: boolean;
  label?: string;
  language?: "javascript" | "json";
  minHeight?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const changed = useRef(onChange);
  changed.current = onChange;
  // biome-ignore lint/correctness/useExhaustiveDependencies: mounted once; remount with a key to reload.
  useEffect(() => {
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          javascript({ jsx: false, typescript: false }),
          EditorView.lineWrapping,
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ "aria-label": label, "data-language": language }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) changed.current?.(u.state.doc.toString());
          }),
          codeTheme,
          EditorView.theme({
            ".cm-scroller": { minHeight, fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" },
            ".cm-content": { minHeight },
          }),
        ],
      }),
    });
    return () => view.destroy();
  }, []);
  return <div ref={host} data-testid="code-editor" className="overflow-hidden bg-white" />;
}
