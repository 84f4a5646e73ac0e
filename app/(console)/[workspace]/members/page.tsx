import type { Metadata } from "next";
import { MembersPage } from "@/components/members/members-page";

export const metadata: Metadata = { title: "Members" };

// Every role may see the member list (members.read); the layout has already checked membership.
export default function MembersRoute() {
  return <MembersPage />;
}
