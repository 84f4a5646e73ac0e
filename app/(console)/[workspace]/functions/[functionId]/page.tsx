import type { Metadata } from "next";
import { FunctionEditor } from "@/components/functions/function-editor";

export const metadata: Metadata = { title: "Function" };

export default async function FunctionPage({ params }: { params: Promise<{ functionId: string }> }) {
  const { functionId } = await params;
  return <FunctionEditor id={functionId} />;
}
