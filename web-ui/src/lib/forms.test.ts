import { describe, expect, it } from "vitest";
import { jobParams } from "../pages/JobForm";
import { parseHash, href } from "./router";
import { snippets } from "./snippets";
import type { VersionView } from "./api";

describe("job parameters from the form", () => {
  it("builds a data-free distillation's params", () => {
    expect(
      jobParams("distill", {
        student: "mlp",
        hidden: "64, 32",
        temperature: "4",
        alpha: "0.9",
        epochs: "30",
        seed: "7",
        data: "free",
        transferSize: "2000",
      }),
    ).toEqual({
      student: { type: "mlp", hidden: [64, 32] },
      temperature: 4,
      alpha: 0.9,
      epochs: 30,
      seed: 7,
      transferSize: 2000,
    });
  });

  it("leaves out empty fields and the herding size when a data set is given", () => {
    expect(
      jobParams("distill", {
        student: "gbdt",
        trees: "100",
        maxDepth: "",
        dart: true,
        temperature: "",
        epochs: "5",
        data: "upload",
        transferSize: "2000",
      }),
    ).toEqual({
      student: { type: "gbdt", trees: 100, dart: true },
      epochs: 5,
    });
  });

  it("builds transfer and robustness params with the contract's names", () => {
    expect(
      jobParams("transfer", {
        headHidden: "0",
        freezeBackbone: true,
        epochs: "10",
        batchSize: "64",
        learningRate: "0.01",
        validationSplit: "0.2",
        seed: "1",
      }),
    ).toEqual({
      head: { hidden: 0 },
      freezeBackbone: true,
      epochs: 10,
      batchSize: 64,
      learningRate: 0.01,
      validationSplit: 0.2,
      seed: 1,
    });
    expect(
      jobParams("robustness", { noise: "0, 0.1 0.2", epsilons: "0,0.05", pgdSteps: "10", corruptions: false }),
    ).toEqual({ noise: [0, 0.1, 0.2], epsilons: [0, 0.05], pgdSteps: 10 });
    // Square Attack next to FGSM and PGD only when asked; otherwise the worker decides.
    expect(jobParams("robustness", { noise: "0.1", epsilons: "0.1", blackBox: true }, "regression")).toEqual({
      noise: [0.1],
      epsilons: [0.1],
      blackBox: true,
    });
  });

  it("leaves a regressor's distillation without temperature and α", () => {
    expect(
      jobParams(
        "distill",
        { student: "gbdt", trees: "100", maxDepth: "2", temperature: "4", alpha: "0.9", data: "upload" },
        "regression",
      ),
    ).toEqual({ student: { type: "gbdt", trees: 100, maxDepth: 2, dart: false } });
  });

  it("asks for a regression transfer with the target's name", () => {
    expect(jobParams("transfer", { newTask: "regression", targetName: " progression ", headHidden: "0" })).toEqual({
      task: "regression",
      labels: ["progression"],
      head: { hidden: 0 },
      freezeBackbone: false,
    });
    expect(jobParams("transfer", { newTask: "regression", targetName: "", headHidden: "0" })).toMatchObject({
      task: "regression",
    });
    expect(jobParams("transfer", { newTask: "classification", headHidden: "0" })).not.toHaveProperty("task");
  });

  it("builds evaluate params: bins for classifiers, quantiles for regressors, a benchmark set", () => {
    const fields = { bins: "10", quantiles: "0.1, 0.5 0.9", benchmark: "digits-test" };
    expect(jobParams("evaluate", { ...fields, data: "upload" })).toEqual({ bins: 10 });
    expect(jobParams("evaluate", { ...fields, data: "benchmark" })).toEqual({ benchmark: "digits-test", bins: 10 });
    expect(jobParams("evaluate", { ...fields, data: "existing" }, "regression")).toEqual({
      quantiles: [0.1, 0.5, 0.9],
    });
    expect(jobParams("evaluate", { ...fields, quantiles: "", data: "upload" }, "regression")).toEqual({});
    expect(jobParams("robustness", { noise: "", epsilons: "", data: "benchmark", benchmark: "digits-test" })).toEqual({
      benchmark: "digits-test",
      noise: [],
      epsilons: [],
    });
  });
});

describe("reuse job parameters from the form", () => {
  it("lists the other learnwares and publishes only when asked, by the chosen method", () => {
    const fields = { sources: "demo/digits-high, demo/digits-mid@2  demo/x", publishMethod: "vote" };
    expect(jobParams("reuse", { ...fields, publish: false })).toEqual({
      sources: ["demo/digits-high", "demo/digits-mid@2", "demo/x"],
    });
    expect(jobParams("reuse", { ...fields, publish: true })).toEqual({
      sources: ["demo/digits-high", "demo/digits-mid@2", "demo/x"],
      publish: "vote",
    });
  });
});

describe("routes", () => {
  it("reads pages, versions and tabs from the fragment", () => {
    expect(parseHash("#/l/demo/digits/3?tab=lineage")).toEqual({
      page: "learnware",
      owner: "demo",
      name: "digits",
      version: "3",
      tab: "lineage",
    });
    expect(parseHash("#/jobs/abc")).toEqual({ page: "jobs", id: "abc" });
    expect(parseHash("#/orgs")).toEqual({ page: "orgs", name: undefined });
    expect(parseHash("#/orgs/my-lab")).toEqual({ page: "orgs", name: "my-lab" });
    expect(parseHash("#/tokens")).toEqual({ page: "tokens" });
    expect(href.orgs("my-lab")).toBe("#/orgs/my-lab");
    expect(parseHash("").page).toBe("browse");
    expect(parseHash("#/nowhere").page).toBe("notfound");
    expect(href.ref("demo/digits-distilled@1")).toBe("#/l/demo/digits-distilled/1");
  });
});

describe("reuse snippets", () => {
  const version = {
    owner: "demo",
    name: "digits",
    version: 2,
    model: { format: "onnx", sha256: "ab".repeat(32), size: 10 },
    files: [{ filename: "features.pt", sha256: "cd".repeat(32), size: 5 }],
    spec: {
      name: "Digits",
      dataType: "image",
      input: { channels: 1, height: 8, width: 8 },
      output: { dimension: 3, labels: ["a", "b", "c"] },
      model: { format: "onnx" },
    },
  } as unknown as VersionView;

  it("downloads every artifact of the exact version and loads it with the right engine", () => {
    const [curl, cli, java] = snippets(version, "http://market:8080");
    expect(curl.code).toContain(
      "curl -fo model.onnx http://market:8080/api/v1/learnwares/demo/digits/versions/2/artifact",
    );
    expect(curl.code).toContain(
      "curl -fo features.pt http://market:8080/api/v1/learnwares/demo/digits/versions/2/files/features.pt",
    );
    expect(cli.code).toContain("bin/learnware pull demo/digits@2 --server http://market:8080 --out digits");
    expect(java.code).toContain('.optEngine("OnnxRuntime")');
    expect(java.code).toContain("new Shape(1, 1, 8, 8)");
    expect(java.code).toContain('String[] labels = {"a", "b", "c"};');
  });
});

describe("reuse snippets of a published ensemble", () => {
  it("pulls its ensemble.json and loads it with LearnwareModel, which loads and checks the members", () => {
    const ensemble = {
      owner: "demo",
      name: "both",
      version: 1,
      model: { format: "ensemble", sha256: "ef".repeat(32), size: 10 },
      files: [],
      ensemble: {
        method: "mean",
        task: "classification",
        members: [
          { learnware: "demo/digits-low@1", sha256: "1f".repeat(32) },
          { learnware: "demo/digits-high@1", sha256: "a3".repeat(32) },
        ],
      },
      spec: {
        name: "Both halves",
        dataType: "table",
        input: { dimension: 64 },
        output: { dimension: 10 },
        model: { format: "ensemble" },
      },
    } as unknown as VersionView;
    const [curl, , java] = snippets(ensemble, "https://market.example");
    expect(curl.code).toContain(
      "curl -fo ensemble.json https://market.example/api/v1/learnwares/demo/both/versions/1/artifact",
    );
    expect(java.code).toContain('LearnwareModel.load("learnwares://market.example/demo/both@1")');
    expect(java.code).toContain("the mean of demo/digits-low@1, demo/digits-high@1");
    expect(java.code).toContain("new double[1][64]");
  });
});

describe("reuse snippets of a distilled (DJL) student", () => {
  it("rebuilds the MLP of model.architecture before loading its parameters", () => {
    const student = {
      owner: "demo",
      name: "digits-distilled",
      version: 1,
      model: { format: "djl", sha256: "ef".repeat(32), size: 10 },
      files: [],
      spec: {
        name: "Student",
        dataType: "table",
        input: { dimension: 64 },
        output: { dimension: 10 },
        model: { format: "djl", architecture: { type: "mlp", hidden: [32, 16] } },
      },
    } as unknown as VersionView;
    const java = snippets(student, "http://m").find((s) => s.id === "java")!.code;
    expect(java).toContain("for (int units : new int[] {32, 16}) {");
    expect(java).toContain("block.add(Linear.builder().setUnits(10).build());");
    expect(java).toContain('Files.copy(Paths.get("digits-distilled/model.params"), dir.resolve("model-0000.params"));');
    expect(java).toContain('model.load(dir, "model");');
    expect(java).toContain("new Shape(1, 64)");
    expect(snippets(student, "http://m")[0].code).toContain(
      "curl -fo model.params http://m/api/v1/learnwares/demo/digits-distilled/versions/1/artifact",
    );
  });
});
