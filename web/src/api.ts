// The workspace API as the screens use it: JSON over fetch, the session cookie sent by the
// browser, the CSRF token (given at sign-in) kept for this tab and sent with every state change.

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

const CSRF_KEY = "mt.csrf";

export function csrfToken(): string {
  return sessionStorage.getItem(CSRF_KEY) ?? "";
}

export async function call<T>(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== "") url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, "BadResponse", `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) throw new ApiError(res.status, json?.error ?? "Error", json?.message ?? `HTTP ${res.status}`);
  return json as T;
}

export const get = <T>(path: string, query?: Record<string, string>) => call<T>("GET", path, undefined, query);

export interface User { id: number; username: string; display_name: string; agency: string; role: string; clearances: string[]; }
export interface CaseInfo { id: number; number: string; title: string; owning_agency: string; markings: string[]; access: string; created_at: string; }

export async function signIn(username: string, password: string): Promise<User> {
  const r = await call<{ user: User; csrf_token: string }>("POST", "/api/v1/session", { username, password });
  sessionStorage.setItem(CSRF_KEY, r.csrf_token);
  return r.user;
}

export async function signOut(): Promise<void> {
  try {
    await call("DELETE", "/api/v1/session");
  } finally {
    sessionStorage.removeItem(CSRF_KEY);
  }
}

export function casePath(caseId: number | string, rest = ""): string {
  return `/api/v1/cases/${encodeURIComponent(String(caseId))}${rest}`;
}

// A call whose answer is a file (the chart's SVG export): the body as a Blob, or the server's
// JSON error as an ApiError.
export async function callBlob(method: string, path: string, body?: unknown): Promise<Blob> {
  const headers: Record<string, string> = { "X-CSRF-Token": csrfToken() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(new URL(path, window.location.origin), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  if (!res.ok) {
    const json: any = await res.json().catch(() => null);
    throw new ApiError(res.status, json?.error ?? "Error", json?.message ?? `HTTP ${res.status}`);
  }
  return res.blob();
}

export function download(blob: Blob, name: string): void {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
