package io.learnware.it.cli;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.learnware.client.Sha256;
import io.learnware.it.support.Cli;
import io.learnware.it.support.Cli.Run;
import io.learnware.it.support.MarketFixture;
import io.learnware.testing.Fixtures;
import io.restassured.response.Response;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access commands of the command line against the real market (docs/access.md): organisations
 * and members, private uploads that members read and outsiders cannot find, visibility changes,
 * scoped tokens and the missing-scope refusal, the audit log, and the visibility of a job's result
 * with lineage to a learnware the reader may not see.
 */
class CliAccessAgainstServerTest {

  @RegisterExtension static final MarketFixture market = new MarketFixture();

  private static final String NL = System.lineSeparator();

  private static final Pattern SECRET = Pattern.compile("secret \\(shown this once\\): (\\S+)");

  @TempDir Path tmp;

  @Test
  void membersOfAnOrganisationReadItsPrivateLearnwareAndOutsidersCannotFindIt() {
    String alice = market.newUser("alice");
    String bob = market.newUser("bob");
    String carol = market.newUser("carol");
    String aliceName = market.usernameOf(alice);
    String bobName = market.usernameOf(bob);
    String org = "acme-" + UUID.randomUUID().toString().substring(0, 8);

    Run created = cli(alice, "org", "create", org);
    assertThat(created.exitCode()).as(created.err()).isZero();
    assertThat(created.out().lines().findFirst()).hasValue("created organisation " + org);
    assertThat(columns(created.out()).subList(1, 3))
        .containsExactly(new String[] {"MEMBER", "ROLE"}, new String[] {aliceName, "admin"});

    Run upload = Cli.uploadDigits(market, alice, org + "/digits", "--private");
    assertThat(upload.exitCode()).as(upload.err()).isZero();
    assertThat(upload.out()).startsWith("uploaded " + org + "/digits@1 (PENDING, private)");
    market.validateAll();

    // Before bob joins, the private learnware is exactly as absent as one that never existed.
    Run hidden = cli(bob, "show", org + "/digits");
    Run missing = cli(bob, "show", org + "/nothing");
    assertThat(hidden.exitCode()).isEqualTo(1);
    assertThat(hidden.err())
        .isEqualTo("error: Not found (HTTP 404): No learnware " + org + "/digits." + NL);
    assertThat(missing.err()).isEqualTo(hidden.err().replace("/digits", "/nothing"));

    Run added = cli(alice, "org", "add-member", org, bobName, "--role", "read");
    assertThat(added.exitCode()).as(added.err()).isZero();
    assertThat(added.out().lines().toList()).first().isEqualTo(bobName + " is read in " + org);
    assertThat(columns(added.out()).subList(1, 4))
        .containsExactlyInAnyOrder(
            new String[] {"MEMBER", "ROLE"},
            new String[] {aliceName, "admin"},
            new String[] {bobName, "read"});

    Run shown = cli(bob, "show", org + "/digits");
    assertThat(shown.exitCode()).as(shown.err()).isZero();
    assertThat(shown.out().lines().findFirst())
        .hasValue(org + "/digits@1 (USABLE, private): Handwritten digits MLP");

    Path pulled = tmp.resolve("pulled");
    Run pull = cli(bob, "pull", org + "/digits", "--out", pulled.toString(), "--quiet");
    assertThat(pull.exitCode()).as(pull.err()).isZero();
    assertThat(pull.out().lines().findFirst())
        .hasValue("pulled " + org + "/digits@1 into " + pulled);
    assertThat(pulled.resolve("model.pt")).hasBinaryContent(Fixtures.bytes(Fixtures.DIGITS_MODEL));

    Run outsiderPull = cli(carol, "pull", org + "/digits", "--out", tmp.resolve("no") + "");
    assertThat(outsiderPull.exitCode()).isEqualTo(1);
    assertThat(outsiderPull.err())
        .isEqualTo("error: Not found (HTTP 404): No learnware " + org + "/digits." + NL);
    assertThat(tmp.resolve("no")).doesNotExist();

    // Members find it, marked; outsiders and anonymous callers find nothing.
    Run memberSearch = cli(bob, "search", "--owner", org);
    assertThat(memberSearch.out().lines().skip(1).findFirst().orElseThrow())
        .matches(
            " +1  "
                + Pattern.quote(org + "/digits@1 (private)")
                + " +1\\.0000 +-  Handwritten digits MLP");
    assertThat(cli(carol, "search", "--owner", org).out()).isEqualTo("no matches" + NL);
    assertThat(cli(null, "search", "--owner", org).out()).isEqualTo("no matches" + NL);

    // Members see each other; others see only the organisation.
    assertThat(cli(carol, "org", "show", org).out())
        .matches(
            Pattern.quote(org)
                + " \\(organisation\\), created \\S+Z"
                + NL
                + "members are listed to its members only"
                + NL);
    assertThat(cli(bob, "org", "show", org).out()).contains(bobName).contains(aliceName);

    Run whoami = cli(bob, "whoami");
    assertThat(whoami.exitCode()).as(whoami.err()).isZero();
    assertThat(whoami.out().lines().limit(2))
        .containsExactly(bobName, "token: scopes read, write, jobs, admin; namespaces all");
    assertThat(columns(whoami.out()).get(2)).containsExactly("NAMESPACE", "KIND", "ROLE");
    assertThat(columns(whoami.out()).subList(3, 5))
        .containsExactlyInAnyOrder(
            new String[] {bobName, "user", "admin"}, new String[] {org, "organisation", "read"});

    // A reader may not change the visibility; the admin may, and then everyone reads it.
    Run refused = cli(bob, "visibility", org + "/digits", "public");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err())
        .isEqualTo(
            "error: Forbidden (HTTP 403): Your role in '"
                + org
                + "' is read; this needs the role admin."
                + NL);
    Run published = cli(alice, "visibility", org + "/digits", "public");
    assertThat(published.exitCode()).as(published.err()).isZero();
    assertThat(published.out()).isEqualTo(org + "/digits is public" + NL);
    assertThat(cli(carol, "show", org + "/digits").out().lines().findFirst())
        .hasValue(org + "/digits@1 (USABLE): Handwritten digits MLP");
    assertThat(cli(carol, "visibility", org + "/digits", "private").err())
        .isEqualTo(
            "error: Forbidden (HTTP 403): You are not a member of '"
                + org
                + "'; this needs the role admin."
                + NL);

    Run promoted = cli(alice, "org", "add-member", org, bobName, "--role", "write");
    assertThat(promoted.out().lines().findFirst()).hasValue(bobName + " is write in " + org);
    Run removed = cli(alice, "org", "remove-member", org, bobName);
    assertThat(removed.exitCode()).as(removed.err()).isZero();
    assertThat(removed.out()).isEqualTo("removed " + bobName + " from " + org + NL);
    Run lastAdmin = cli(alice, "org", "remove-member", org, aliceName);
    assertThat(lastAdmin.exitCode()).isEqualTo(1);
    assertThat(lastAdmin.err())
        .isEqualTo(
            "error: Conflict (HTTP 409): '"
                + aliceName
                + "' is the last admin of '"
                + org
                + "'; make another member admin first."
                + NL);

    // The audit log, newest first, with what each change recorded.
    Run audit = cli(alice, "audit", org);
    assertThat(audit.exitCode()).as(audit.err()).isZero();
    List<String[]> entries = columns(audit.out());
    assertThat(entries.getFirst())
        .containsExactly("ID", "AT", "ACTOR", "LEARNWARE", "ACTION", "DETAIL");
    assertThat(entries.subList(1, entries.size()))
        .extracting(CliAccessAgainstServerTest::auditEntry)
        .containsExactly(
            aliceName + " - member.removed member=" + bobName + " role=write",
            aliceName + " - member.role-changed from=read member=" + bobName + " to=write",
            aliceName + " digits visibility.changed from=private to=public",
            aliceName + " - member.added member=" + bobName + " role=read",
            aliceName
                + " digits version.uploaded format=torchscript sha256="
                + Sha256.of(Fixtures.bytes(Fixtures.DIGITS_MODEL))
                + " version=1",
            aliceName + " - organisation.created");
    Run oneLearnware = cli(alice, "audit", org, "--learnware", "digits", "--limit", "1");
    assertThat(columns(oneLearnware.out()))
        .extracting(e -> e[4])
        .containsExactly("ACTION", "visibility.changed");
    Run notAdmin = cli(carol, "audit", org);
    assertThat(notAdmin.exitCode()).isEqualTo(1);
    assertThat(notAdmin.err())
        .isEqualTo(
            "error: Forbidden (HTTP 403): You are not a member of '"
                + org
                + "'; this needs the role admin."
                + NL);
  }

  @Test
  void aScopedTokenIsRefusedWhatItLacksWithTheMissingScopeUntilItIsRevoked() {
    String alice = market.newUser("scoped");
    String owner = market.usernameOf(alice);
    String org = "team-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(cli(alice, "org", "create", org).exitCode()).isZero();

    Run create =
        cli(alice, "token", "create", "--name", "reader", "--scope", "read", "--expires", "30d");
    assertThat(create.exitCode()).as(create.err()).isZero();
    Matcher secret = SECRET.matcher(create.out());
    assertThat(secret.find()).as(create.out()).isTrue();
    String reader = secret.group(1);
    Matcher summary =
        Pattern.compile(
                "created token (\\S+) \\(reader\\): scopes read; namespaces all; expires (\\S+)")
            .matcher(create.out().lines().findFirst().orElseThrow());
    assertThat(summary.matches()).as(create.out()).isTrue();
    String readerId = summary.group(1);
    Instant expires = Instant.parse(summary.group(2));
    assertThat(expires)
        .isBetween(
            Instant.now().plus(30, ChronoUnit.DAYS).minus(5, ChronoUnit.MINUTES),
            Instant.now().plus(30, ChronoUnit.DAYS));

    Run whoami = cli(reader, "whoami");
    assertThat(whoami.out().lines().skip(1).findFirst())
        .hasValue("token: scopes read; namespaces all");

    // What the token lacks: the detail names the scope; exit code 1 like any refusal.
    Run upload = Cli.uploadDigits(market, reader, owner + "/digits");
    assertThat(upload.exitCode()).isEqualTo(1);
    assertThat(upload.err())
        .isEqualTo(
            "error: Missing scope (HTTP 403): This token lacks the scope 'write' (it has read);"
                + " use a token with 'write'."
                + NL);
    Run list = cli(reader, "token", "list");
    assertThat(list.exitCode()).isEqualTo(1);
    assertThat(list.err())
        .isEqualTo(
            "error: Missing scope (HTTP 403): This token lacks the scope 'admin' (it has read);"
                + " use a token with 'admin'."
                + NL);
    Run tooMuch = cli(reader, "token", "create", "--scope", "read,write");
    assertThat(tooMuch.err())
        .isEqualTo(
            "error: Missing scope (HTTP 403): This token lacks the scope 'admin' (it has read);"
                + " use a token with 'admin'."
                + NL);

    // A token limited to the organisation may not write in its user's own namespace.
    Run limitedCreate =
        cli(
            alice,
            "token",
            "create",
            "--name",
            "team-ci",
            "--scope",
            "read,write",
            "--namespace",
            org,
            "--expires",
            "2099-01-01");
    assertThat(limitedCreate.out().lines().findFirst().orElseThrow())
        .endsWith(
            " (team-ci): scopes read, write; namespaces " + org + "; expires 2099-01-01T00:00:00Z");
    Matcher limitedSecret = SECRET.matcher(limitedCreate.out());
    assertThat(limitedSecret.find()).isTrue();
    String limited = limitedSecret.group(1);
    Run elsewhere = Cli.uploadDigits(market, limited, owner + "/digits");
    assertThat(elsewhere.err())
        .isEqualTo(
            "error: Missing scope (HTTP 403): This token is limited to the namespaces ["
                + org
                + "]; '"
                + owner
                + "' is not one of them."
                + NL);
    assertThat(Cli.uploadDigits(market, limited, org + "/digits").exitCode()).isZero();

    Run tokens = cli(alice, "token", "list");
    assertThat(tokens.exitCode()).as(tokens.err()).isZero();
    List<String[]> rows = columns(tokens.out());
    assertThat(rows.getFirst())
        .containsExactly("ID", "NAME", "PREFIX", "SCOPES", "NAMESPACES", "EXPIRES", "LAST", "USED");
    String[] readerRow = rows.stream().filter(r -> r[0].equals(readerId)).findFirst().orElseThrow();
    assertThat(readerRow[1]).isEqualTo("reader");
    assertThat(reader).startsWith(readerRow[2]);
    assertThat(readerRow[3]).isEqualTo("read");
    assertThat(readerRow[4]).isEqualTo("all");
    assertThat(readerRow[5]).isEqualTo(expires.toString());
    // It was used above: whoami, and the refused upload.
    assertThat(readerRow[6]).isNotEqualTo("never");
    assertThat(rows)
        .anySatisfy(
            r ->
                assertThat(r)
                    .containsExactly(
                        r[0], "team-ci", r[2], "read,write", org, "2099-01-01T00:00:00Z", r[6]));

    Run revoke = cli(alice, "token", "revoke", readerId);
    assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    assertThat(revoke.out()).isEqualTo("revoked token " + readerId + NL);
    Run afterwards = cli(reader, "whoami");
    assertThat(afterwards.exitCode()).isEqualTo(1);
    assertThat(afterwards.err()).startsWith("error: Unauthorized (HTTP 401)");
    assertThat(cli(alice, "token", "revoke", "not-a-uuid").exitCode()).isEqualTo(2);

    // Token changes are in the audit log of the user's own namespace.
    List<String[]> audit = columns(cli(alice, "audit", owner).out());
    assertThat(audit.subList(1, audit.size()))
        .extracting(e -> e[4])
        .containsExactly("token.revoked", "token.created", "token.created");
    assertThat(auditEntry(audit.get(1)))
        .isEqualTo(
            owner
                + " - token.revoked expiresAt="
                + expires
                + " id="
                + readerId
                + " name=reader prefix="
                + readerRow[2]
                + " scopes=read");
  }

  @Test
  void aJobsResultGetsTheVisibilityAskedForAndItsLineageHidesThePrivateSource() {
    String alice = market.newUser("lineage");
    String owner = market.usernameOf(alice);
    String carol = market.newUser("outsider");
    String org = "lab-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(cli(alice, "org", "create", org).exitCode()).isZero();
    assertThat(Cli.uploadDigits(market, alice, org + "/digits", "--private").exitCode()).isZero();
    market.validateAll();
    market.uploadDataset(alice, owner, "digits-train", "data/digits-train.csv.gz");

    Run bad =
        cli(alice, "distill", org + "/digits", "--target", owner + "/xx", "--visibility", "secret");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).startsWith("--visibility: expected public or private, got 'secret'");

    distill(alice, org + "/digits", owner + "/student", "--visibility", "public");
    // Without --visibility a private source makes a private result.
    distill(alice, org + "/digits", owner + "/student-private");

    Run student = cli(carol, "show", owner + "/student");
    assertThat(student.exitCode()).as(student.err()).isZero();
    assertThat(student.out().lines().toList())
        .startsWith(owner + "/student@1 (USABLE): Distilled digits")
        .contains("  distilled from: a private learnware");
    assertThat(cli(carol, "show", owner + "/student-private").err())
        .isEqualTo("error: Not found (HTTP 404): No learnware " + owner + "/student-private." + NL);

    Run mine = cli(alice, "show", owner + "/student-private");
    assertThat(mine.out().lines().toList())
        .startsWith(owner + "/student-private@1 (USABLE, private): Distilled digits")
        .contains("  distilled from: " + org + "/digits@1");
    Run source = cli(alice, "show", org + "/digits");
    assertThat(source.out().lines().filter(l -> l.startsWith("  distilled into: ")).toList())
        .singleElement()
        .satisfies(
            l ->
                assertThat(l.substring("  distilled into: ".length()).split(", "))
                    .containsExactlyInAnyOrder(owner + "/student@1", owner + "/student-private@1"));

    assertThat(columns(cli(alice, "search", "--owner", owner).out()))
        .extracting(r -> r[1] + (r[2].equals("(private)") ? " (private)" : ""))
        .containsExactlyInAnyOrder(
            "LEARNWARE", owner + "/student@1", owner + "/student-private@1 (private)");
    assertThat(columns(cli(carol, "search", "--owner", owner).out()))
        .extracting(r -> r[1])
        .containsExactly("LEARNWARE", owner + "/student@1");
  }

  /** Requests a distillation through the CLI and completes it as a worker would. */
  private void distill(String token, String source, String target, String... options) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "distill",
                source,
                "--dataset",
                market.usernameOf(token) + "/digits-train",
                "--target",
                target));
    args.addAll(List.of(options));
    Run queued = cli(token, args.toArray(String[]::new));
    assertThat(queued.exitCode()).as(queued.err()).isZero();
    Matcher id = Pattern.compile("queued distill job (\\S+) on ").matcher(queued.out());
    assertThat(id.find()).as(queued.out()).isTrue();
    Response claim = market.claim("distill");
    assertThat(claim.<String>path("id")).isEqualTo(id.group(1));
    given()
        .auth()
        .oauth2(market.workerToken())
        .header("Lease-Id", claim.<String>path("leaseId"))
        .multiPart("report", "{\"fidelity\": 0.97}")
        .multiPart(
            "spec",
            Fixtures.text(Fixtures.DIGITS_SPEC)
                .replace("Handwritten digits MLP", "Distilled digits"))
        .multiPart(
            "model", "model.pt", Fixtures.bytes(Fixtures.DIGITS_MODEL), "application/octet-stream")
        .multiPart(
            "file",
            "features.pt",
            Fixtures.bytes(Fixtures.DIGITS_FEATURES),
            "application/octet-stream")
        .post("/api/v1/worker/jobs/{id}/complete", id.group(1))
        .then()
        .statusCode(200);
  }

  /** A table's rows split at runs of spaces. */
  private static List<String[]> columns(String table) {
    return table.lines().map(l -> l.strip().split(" +")).toList();
  }

  /** An audit row without its id and time: {@code actor learnware action fact…}. */
  private static String auditEntry(String[] row) {
    return String.join(" ", List.of(row).subList(2, row.length));
  }

  /** Runs the command line against the test market, with {@code token} unless null. */
  private static Run cli(String token, String... args) {
    return Cli.run(market, token, args);
  }
}
