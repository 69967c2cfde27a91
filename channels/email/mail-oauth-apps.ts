/**
 * The OAuth 2.0 apps mailboxes sign in with: Microsoft 365 (Entra ID) and Google. Each has its
 * documented endpoints, the scopes IMAP and SMTP need, and where its mail servers are; the
 * endpoints can be pointed elsewhere (tests use a local authorisation server).
 */
import type { MailOauthProvider } from "../../db/schema/channels.ts";

export interface MailOauthApp {
  provider: MailOauthProvider;
  label: string;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Asked for at sign-in: IMAP and SMTP access, and a refresh token. */
  scope: string;
  /** Extra authorisation parameters the provider needs to hand out a refresh token. */
  extraParams: Record<string, string>;
  /** The provider's IMAP and SMTP servers, as mailbox URLs without a password. */
  imapUrl(address: string): string;
  smtpUrl(address: string): string;
}

export type MailOauthApps = Partial<Record<MailOauthProvider, MailOauthApp>>;

interface AppSettings {
  clientId: string;
  clientSecret: string;
  authorizeUrl?: string;
  tokenUrl?: string;
}

const user = (address: string) => encodeURIComponent(address);

export function mailOauthApps(settings: {
  microsoft?: AppSettings & { tenant: string };
  google?: AppSettings;
}): MailOauthApps {
  const apps: MailOauthApps = {};
  if (settings.microsoft) {
    const { tenant, ...app } = settings.microsoft;
    const base = `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0`;
    apps.microsoft = {
      provider: "microsoft",
      label: "Microsoft 365",
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authorizeUrl: app.authorizeUrl ?? `${base}/authorize`,
      tokenUrl: app.tokenUrl ?? `${base}/token`,
      scope:
        "offline_access https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send",
      extraParams: { prompt: "consent" },
      imapUrl: (address) => `imaps://${user(address)}@outlook.office365.com:993`,
      smtpUrl: (address) => `smtp://${user(address)}@smtp.office365.com:587`,
    };
  }
  if (settings.google)
    apps.google = {
      provider: "google",
      label: "Google",
      clientId: settings.google.clientId,
      clientSecret: settings.google.clientSecret,
      authorizeUrl: settings.google.authorizeUrl ?? "https://accounts.google.com/o/oauth2/v2/auth",
      tokenUrl: settings.google.tokenUrl ?? "https://oauth2.googleapis.com/token",
      scope: "https://mail.google.com/",
      // Google hands out a refresh token only with offline access, and again only after consent.
      extraParams: { access_type: "offline", prompt: "consent" },
      imapUrl: (address) => `imaps://${user(address)}@imap.gmail.com:993`,
      smtpUrl: (address) => `smtps://${user(address)}@smtp.gmail.com:465`,
    };
  return apps;
}
