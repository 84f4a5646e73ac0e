import { buildSettings, stringList, text, url } from "../fields";
import type { DestinationType } from "../types";

// POSTs { text } to a Slack incoming webhook for each listed track event. The webhook URL embeds
// its own credential, so the whole URL is the secret (and the delivery target).
export const slack: DestinationType = {
  id: "slack",
  name: "Slack",
  category: "Raw Data/Webhooks",
  description: "Post a message to a Slack channel when selected events happen.",
  supportedTypes: ["track"],
  docsUrl: "https://api.slack.com/messaging/webhooks",
  ...buildSettings([
    url("webhookUrl", {
      label: "Incoming webhook URL",
      required: true,
      secret: true,
      routing: true,
      placeholder: "https://hooks.slack.com/services/T000/B000/XXXX",
      help: "Create one under your Slack app → Incoming Webhooks; it posts to the channel you chose there.",
    }),
    stringList("events", {
      label: "Events to post",
      required: true,
      placeholder: "Order Completed",
      help: "Exact track event names, one per line. Other events are not posted.",
    }),
    text("template", {
      label: "Message template",
      multiline: true,
      default: "{{userId}} did {{event}}",
      help: "Slack mrkdwn. Placeholders: {{event}}, {{userId}}, {{anonymousId}}, {{properties.<name>}}.",
    }),
  ]),
  endpointField: "webhookUrl",
  example: {
    webhookUrl: "https://hooks.slack.com/services/T0001/B0001/abcdefghijklmnopqrstuvwx",
    events: ["Order Completed", "Signed Up"],
    template: "*{{event}}* by {{userId}}: {{properties.total}}",
  },
};
