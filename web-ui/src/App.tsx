import { useEffect, useState } from "preact/hooks";
import { api, SessionContext, storedToken, storeToken, type Session } from "./lib/session";
import { href, useRoute } from "./lib/router";
import { Browse } from "./pages/Browse";
import { LearnwarePage } from "./pages/Learnware";
import { UploadPage } from "./pages/Upload";
import { JobsPage } from "./pages/Jobs";
import { SignIn } from "./pages/SignIn";
import { OrganisationsPage } from "./pages/Organisations";
import { TokensPage } from "./pages/Tokens";

export function App() {
  const route = useRoute();
  const [user, setUser] = useState<Session["user"]>(null);
  const [menu, setMenu] = useState(false);

  useEffect(() => {
    if (storedToken())
      api
        .me()
        .then(setUser)
        .catch(() => storeToken(null));
  }, []);
  useEffect(() => {
    setMenu(false);
    window.scrollTo(0, 0);
  }, [route]);

  const session: Session = {
    user,
    async signIn(token) {
      storeToken(token);
      try {
        setUser(await api.me());
      } catch (e) {
        storeToken(null);
        throw e;
      }
    },
    signOut() {
      storeToken(null);
      setUser(null);
    },
    async refresh() {
      setUser(await api.me());
    },
  };
  const current = route.page;
  const link = (to: string, label: string, page: string) => (
    <a href={to} aria-current={current === page ? "page" : undefined}>
      {label}
    </a>
  );

  return (
    <SessionContext.Provider value={session}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href={href.browse()}>
          <span class="logo" aria-hidden="true">
            ◆
          </span>{" "}
          Learnware Market
        </a>
        <button
          type="button"
          class="menu-button"
          aria-expanded={menu}
          aria-controls="nav"
          onClick={() => setMenu(!menu)}
        >
          Menu
        </button>
        <nav id="nav" class={menu ? "open" : ""} aria-label="Main">
          {link(href.browse(), "Browse", "browse")}
          {link(href.upload(), "Upload", "upload")}
          {link(href.jobs(), "Jobs", "jobs")}
          {user && link(href.orgs(), "Organisations", "orgs")}
          {user && link(href.tokens(), "Tokens", "tokens")}
          {user ? (
            <span class="user">
              <span class="avatar" aria-hidden="true">
                {user.username.charAt(0).toUpperCase()}
              </span>
              <span>{user.username}</span>
              <button type="button" class="button small ghost" onClick={session.signOut}>
                Sign out
              </button>
            </span>
          ) : (
            link(href.signin(), "Sign in", "signin")
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {route.page === "browse" && <Browse params={route.params} />}
        {route.page === "learnware" && (
          <LearnwarePage owner={route.owner} name={route.name} version={route.version} tab={route.tab} />
        )}
        {route.page === "upload" && <UploadPage owner={route.owner} name={route.name} />}
        {route.page === "jobs" && <JobsPage id={route.id} />}
        {route.page === "orgs" && <OrganisationsPage name={route.name} />}
        {route.page === "tokens" && <TokensPage />}
        {route.page === "signin" && <SignIn />}
        {route.page === "notfound" && (
          <section>
            <h1>Not found</h1>
            <p>
              <a href={href.browse()}>Back to the learnwares</a>
            </p>
          </section>
        )}
      </main>
      <footer class="footer">
        <span>Learnware Market</span> · <a href="/q/swagger-ui">API</a> · <a href="/q/openapi">OpenAPI</a>
      </footer>
    </SessionContext.Provider>
  );
}
