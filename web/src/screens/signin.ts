import { signIn, User } from "../api";
import { errorBox, h } from "../dom";

export function renderSignIn(main: HTMLElement, done: (u: User) => void): void {
  const user = h("input", { id: "username", name: "username", autocomplete: "username", required: true }) as HTMLInputElement;
  const pass = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }) as HTMLInputElement;
  const status = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card signin" },
    h("h1", {}, "Sign in"),
    h("p", {}, "Every view and every change is recorded in the workspace's journal."),
    h("label", { for: "username" }, "User name"), user,
    h("label", { for: "password" }, "Password"), pass,
    h("button", { type: "submit" }, "Sign in"), status) as HTMLFormElement;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    status.replaceChildren();
    try {
      done(await signIn(user.value, pass.value));
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
  });
  main.replaceChildren(form);
  user.focus();
}
