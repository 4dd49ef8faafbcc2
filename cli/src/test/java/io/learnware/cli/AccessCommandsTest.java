package io.learnware.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.learnware.cli.FakeMarket.Answer;
import io.learnware.spec.SpecDocuments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access commands and options against {@link FakeMarket}: what they send and how they print the
 * market's answers (CliAccessAgainstServerTest in the it module runs them on the real one).
 */
class AccessCommandsTest {

  private static final String NL = System.lineSeparator();

  private final FakeMarket market = new FakeMarket();

  @TempDir Path tmp;

  @AfterEach
  void stop() {
    market.close();
  }

  @Test
  void uploadPrivateAsksForTheVisibilityAndRefusesBothOptions() throws IOException {
    Path spec = Files.writeString(tmp.resolve("spec.json"), "{\"specVersion\": 1}");
    Path model = Files.write(tmp.resolve("model.pt"), new byte[] {1, 2, 3});
    market.on(
        "POST",
        "/api/v1/learnwares/acme/digits/versions",
        Answer.json(
            201,
            """
            {"owner": "acme", "name": "digits", "version": 1, "sha256": "ab", "state": "PENDING"}\
            """));

    CliRun run =
        run("upload", "acme/digits", "--private", "--spec", spec + "", "--model", model + "");
    CliRun both =
        run(
            "upload",
            "acme/digits",
            "--private",
            "--public",
            "--spec",
            spec + "",
            "--model",
            model + "");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("uploaded acme/digits@1 (PENDING), model sha256 ab" + NL);
    assertThat(market.received())
        .singleElement()
        .extracting(FakeMarket.Received::query)
        .isEqualTo("visibility=private");
    assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(both.err()).startsWith("give --private or --public, not both" + NL);
  }

  @Test
  void aJobCarriesTheVisibilityOfTheLearnwareItCreatesOnlyWhenAsked() throws IOException {
    market.on(
        "POST",
        "/api/v1/jobs",
        Answer.json(
            202,
            """
            {"id": "1e71fad3-d438-44d7-b331-c71548044270", "type": "distill", "state": "QUEUED",
             "progress": 0, "attempts": 0, "source": "acme/digits@1"}"""));

    CliRun asked = run("distill", "acme/digits", "--visibility", "public");
    CliRun unasked = run("distill", "acme/digits");
    CliRun wrong = run("distill", "acme/digits", "--visibility", "hidden");

    assertThat(asked.out())
        .isEqualTo("queued distill job 1e71fad3-d438-44d7-b331-c71548044270 on acme/digits@1" + NL);
    assertThat(body(0).get("visibility").asText()).isEqualTo("public");
    assertThat(unasked.exitCode()).isZero();
    assertThat(body(1).has("visibility")).isFalse();
    assertThat(wrong.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(wrong.err()).startsWith("--visibility: expected public or private, got 'hidden'");
    assertThat(market.received()).hasSize(2);
  }

  @Test
  void showMarksAPrivateLearnwareAndNamesNoHiddenOne() {
    market.on(
        "GET",
        "/api/v1/learnwares/acme/student/versions/latest",
        Answer.json(
            200,
            """
            {"learnware": "acme/student@2", "owner": "acme", "name": "student",
             "visibility": "private", "version": 2, "state": "USABLE", "aliases": ["latest"],
             "spec": {"name": "Student", "dataType": "table", "task": "classification",
                      "input": {"dimension": 64}, "output": {"dimension": 10}},
             "lineage": {
               "parents": [{"learnware": null, "relation": "distilled", "visibility": "private"}],
               "children": [{"learnware": "acme/tiny@1", "relation": "distilled", "job": "j",
                             "visibility": "private"},
                            {"learnware": null, "relation": "distilled",
                             "visibility": "private"}]}}"""));

    CliRun run = run("show", "acme/student");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            String.join(
                NL,
                "acme/student@2 (USABLE, private): Student",
                "  table classification, 64 inputs, 10 outputs",
                "  aliases: latest",
                "  distilled from: a private learnware",
                "  distilled into: acme/tiny@1, a private learnware",
                ""));
  }

  @Test
  void searchMarksPrivateMatches() {
    market.on(
        "POST",
        "/api/v1/search",
        Answer.json(
            200,
            """
            {"single": [
               {"learnware": "acme/digits@1", "title": "Digits", "score": 1.0,
                "visibility": "private"},
               {"learnware": "demo/digits@3", "title": "Public digits", "score": 0.5,
                "visibility": "public"}],
             "total": 2}"""));

    CliRun run = run("search", "--q", "digits");

    assertThat(run.out())
        .isEqualTo(
            String.join(
                NL,
                "RANK  LEARNWARE                  SCORE        MMD  TITLE",
                "   1  acme/digits@1 (private)   1.0000          -  Digits",
                "   2  demo/digits@3             0.5000          -  Public digits",
                ""));
  }

  @Test
  void tokenCreateSendsScopesNamespacesAndExpiryAndPrintsTheSecretOnce() throws IOException {
    market.on(
        "POST",
        "/api/v1/tokens",
        Answer.json(
            201,
            """
            {"id": "5b0f3c1e-0000-4000-8000-000000000001", "name": "ci", "prefix": "lw_abcdef",
             "scopes": ["read", "jobs"], "namespaces": ["acme"],
             "createdAt": "2026-12-06T12:00:00.123456Z", "expiresAt": "2027-01-01T00:00:00Z",
             "token": "lw_abcdefSECRET"}"""));

    CliRun run =
        run(
            "token",
            "create",
            "--name",
            "ci",
            "--scope",
            "read",
            "--scope",
            "jobs",
            "--namespace",
            "acme",
            "--expires",
            "2027-01-01");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(body(0).toString())
        .isEqualTo(
            "{\"name\":\"ci\",\"scopes\":[\"read\",\"jobs\"],\"namespaces\":[\"acme\"],"
                + "\"expiresAt\":\"2027-01-01T00:00:00Z\"}");
    assertThat(run.out())
        .isEqualTo(
            "created token 5b0f3c1e-0000-4000-8000-000000000001 (ci): scopes read, jobs;"
                + " namespaces acme; expires 2027-01-01T00:00:00Z"
                + NL
                + "secret (shown this once): lw_abcdefSECRET"
                + NL);
  }

  @Test
  void expiriesAreRelativeDatesOrInstants() {
    Instant now = Instant.parse("2026-12-06T12:34:56.789Z");

    assertThat(TokenCommand.expiry(null, "30d", now))
        .isEqualTo(Instant.parse("2027-01-05T12:34:56Z"));
    assertThat(TokenCommand.expiry(null, "12h", now))
        .isEqualTo(Instant.parse("2026-12-07T00:34:56Z"));
    assertThat(TokenCommand.expiry(null, "2027-01-01", now))
        .isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(TokenCommand.expiry(null, "2027-03-04T05:06:07Z", now))
        .isEqualTo(Instant.parse("2027-03-04T05:06:07Z"));
    CliRun bad = run("token", "create", "--expires", "soon");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err())
        .startsWith(
            "--expires: expected 30d, 12h, a date (2027-01-01) or an instant"
                + " (2027-01-01T00:00:00Z), got 'soon'");
    assertThat(market.received()).isEmpty();
  }

  @Test
  void aMissingScopeIsTheMarketsRefusalWithItsDetail() {
    market.on(
        "GET",
        "/api/v1/tokens",
        Answer.json(
            403,
            """
            {"type": "urn:learnware:problem:missing-scope", "title": "Missing scope",
             "status": 403,
             "detail": "This token lacks the scope 'admin' (it has read); use a token with 'admin'."}\
            """));

    CliRun run = run("token", "list");

    assertThat(run.exitCode()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "error: Missing scope (HTTP 403): This token lacks the scope 'admin' (it has read);"
                + " use a token with 'admin'."
                + NL);
  }

  @Test
  void tokenListShowsScopesNamespacesExpiryAndUse() {
    market.on(
        "GET",
        "/api/v1/tokens",
        Answer.json(
            200,
            """
            [{"id": "5b0f3c1e-0000-4000-8000-000000000001", "name": "ci", "prefix": "lw_abcdef",
              "scopes": ["read", "jobs"], "namespaces": ["acme", "demo"],
              "createdAt": "2026-12-06T12:00:00Z", "expiresAt": "2027-01-01T00:00:00Z"},
             {"id": "0d9e0000-0000-4000-8000-000000000002", "name": "token", "prefix": "lw_xyzxyz",
              "scopes": ["read", "write", "jobs", "admin"], "createdAt": "2026-12-01T00:00:00Z",
              "lastUsedAt": "2026-12-06T12:30:11.987654Z"}]"""));

    CliRun run = run("token", "list");

    assertThat(run.out())
        .isEqualTo(
            String.join(
                NL,
                "ID                                    NAME   PREFIX     SCOPES                 "
                    + "NAMESPACES  EXPIRES               LAST USED",
                "5b0f3c1e-0000-4000-8000-000000000001  ci     lw_abcdef  read,jobs              "
                    + "acme,demo   2027-01-01T00:00:00Z  never",
                "0d9e0000-0000-4000-8000-000000000002  token  lw_xyzxyz  read,write,jobs,admin  "
                    + "all         never                 2026-12-06T12:30:11Z",
                ""));
    assertThat(run("token", "revoke", "5b0f").err())
        .startsWith("'5b0f' is not a token id (a UUID)");
  }

  @Test
  void auditPrintsFactsByName() {
    market.on(
        "GET",
        "/api/v1/namespaces/acme/audit",
        Answer.json(
            200,
            """
            [{"id": 12, "at": "2026-12-06T12:31:02.5Z", "actor": "alice", "namespace": "acme",
              "learnware": "digits", "action": "visibility.changed",
              "detail": {"to": "public", "from": "private"}},
             {"id": 3, "at": "2026-12-06T12:00:00Z", "actor": "alice", "namespace": "acme",
              "learnware": null, "action": "token.created",
              "detail": {"scopes": ["read", "jobs"], "id": "x"}},
             {"id": 1, "at": "2026-12-06T11:00:00Z", "actor": "alice", "namespace": "acme",
              "learnware": null, "action": "organisation.created", "detail": {}}]"""));

    CliRun run = run("audit", "acme", "--learnware", "digits", "--limit", "3");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(market.received().getFirst().query()).isEqualTo("learnware=digits&limit=3");
    assertThat(run.out())
        .isEqualTo(
            String.join(
                NL,
                "ID  AT                    ACTOR  LEARNWARE  ACTION                DETAIL",
                "12  2026-12-06T12:31:02Z  alice  digits     visibility.changed    from=private"
                    + " to=public",
                "3   2026-12-06T12:00:00Z  alice  -          token.created         id=x"
                    + " scopes=read,jobs",
                "1   2026-12-06T11:00:00Z  alice  -          organisation.created",
                ""));
    assertThat(run("audit", "acme", "--limit", "0").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void whoamiAndOrgShowPrintRolesAndWhatIsListed() {
    market.on(
        "GET",
        "/api/v1/me",
        Answer.json(
            200,
            """
            {"username": "bob", "roles": ["user"], "scopes": ["read"],
             "tokenNamespaces": ["acme"],
             "namespaces": [{"namespace": "acme", "kind": "organisation", "role": "write"},
                            {"namespace": "bob", "kind": "user", "role": "admin"}]}"""));
    market.on(
        "GET",
        "/api/v1/namespaces/acme",
        Answer.json(
            200,
            """
            {"name": "acme", "kind": "organisation", "createdAt": "2026-12-06T12:00:00.5Z"}"""));

    CliRun whoami = run("whoami");
    CliRun org = run("org", "show", "acme");

    assertThat(whoami.out())
        .isEqualTo(
            String.join(
                NL,
                "bob",
                "token: scopes read; namespaces acme",
                "NAMESPACE  KIND          ROLE",
                "acme       organisation  write",
                "bob        user          admin",
                ""));
    assertThat(org.out())
        .isEqualTo(
            "acme (organisation), created 2026-12-06T12:00:00Z"
                + NL
                + "members are listed to its members only"
                + NL);
    assertThat(run("org", "add-member", "acme", "carol", "--role", "owner").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("org", "create", "Acme").err())
        .startsWith("invalid organisation 'Acme': lowercase letters, digits and '-'");
  }

  private JsonNode body(int request) {
    try {
      return SpecDocuments.mapper().readTree(market.received().get(request).body());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Runs a command (or {@code org …}/{@code token …} subcommand) against the fake market. */
  private CliRun run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    int at = args[0].equals("org") || args[0].equals("token") ? 2 : 1;
    all.add(at, "--server=" + market.url());
    return CliRun.run(all.toArray(String[]::new));
  }
}
