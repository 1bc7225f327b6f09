// What a publisher may say about itself on the portal, from the environment
// (server/env.ts): who publishes the service, how to reach them, and where shoppers get
// the extension. Every field is optional; the pages say plainly when one is missing.

/** How to reach the publisher: the text shown and the link it makes (mailto:, tel: or https:). */
export interface PublisherContact {
  text: string;
  href: string;
}

export interface PortalSettings {
  /** `THIQA_PUBLISHER_NAME`: the organisation responsible for the service and its data. */
  publisherName?: string | undefined;
  /** `THIQA_PUBLISHER_CONTACT`: for personal-data and accessibility requests. */
  publisherContact?: PublisherContact | undefined;
  /** `THIQA_EXTENSION_CHROME_URL`: the extension's page in the Chrome Web Store (or wherever it is published). */
  extensionChromeUrl?: string | undefined;
  /** `THIQA_EXTENSION_FIREFOX_URL`: its page on addons.mozilla.org (or wherever it is published). */
  extensionFirefoxUrl?: string | undefined;
  /**
   * `THIQA_PUBLIC_URL`'s origin: what shoppers' browsers call the service, when a proxy in
   * front makes it differ from what the service sees. Forms check posts against it.
   */
  publicOrigin?: string | undefined;
}
