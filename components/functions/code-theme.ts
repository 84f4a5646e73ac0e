import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";
import { EditorView } from "codemirror";

// One CodeMirror theme for both console themes: every colour is a CSS variable that
// app/globals.css sets for light and for dark, so switching the theme recolours an open editor
// without rebuilding it (a dark theme package such as @codemirror/theme-one-dark would need a
// reconfigure on every switch, and its palette would not match the console's).

const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword], color: "var(--code-keyword)" },
  { tag: [t.string, t.special(t.string), t.regexp], color: "var(--code-string)" },
  { tag: [t.number, t.bool, t.null, t.atom], color: "var(--code-number)" },
  { tag: [t.comment, t.lineComment, t.blockComment], color: "var(--code-comment)", fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.definition(t.variableName), t.className], color: "var(--code-name)" },
  { tag: [t.propertyName, t.definition(t.propertyName)], color: "var(--code-property)" },
  { tag: [t.operator, t.punctuation, t.bracket], color: "var(--code-punctuation)" },
  { tag: t.invalid, color: "var(--code-invalid)" },
]);

const chrome = EditorView.theme({
  "&": {
    color: "var(--color-slate-900)",
    fontSize: "13px",
    border: "1px solid var(--color-slate-300)",
    borderRadius: "0.375rem",
  },
  "&.cm-focused": { outline: "2px solid var(--color-brand-500)" },
  ".cm-content": { caretColor: "var(--code-cursor)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--code-cursor)" },
  ".cm-gutters": {
    backgroundColor: "var(--code-gutter)",
    color: "var(--code-gutter-text)",
    borderRight: "1px solid var(--color-slate-200)",
  },
  ".cm-activeLine": { backgroundColor: "var(--code-active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--code-active-line)", color: "var(--color-slate-700)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
    { backgroundColor: "var(--code-selection)" },
  ".cm-matchingBracket, &.cm-focused .cm-matchingBracket": {
    backgroundColor: "var(--code-selection)",
    outline: "none",
  },
  ".cm-panels, .cm-tooltip": {
    backgroundColor: "var(--color-slate-50)",
    color: "var(--color-slate-900)",
    border: "1px solid var(--color-slate-200)",
  },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": {
    backgroundColor: "var(--color-brand-100)",
    color: "var(--color-slate-900)",
  },
  ".cm-textfield": {
    backgroundColor: "var(--color-slate-50)",
    color: "var(--color-slate-900)",
    border: "1px solid var(--color-slate-300)",
  },
  ".cm-button": { backgroundImage: "none", backgroundColor: "var(--color-slate-100)", color: "inherit" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--color-slate-100)", border: "none", color: "inherit" },
});

export const codeTheme = [chrome, syntaxHighlighting(highlight)];
