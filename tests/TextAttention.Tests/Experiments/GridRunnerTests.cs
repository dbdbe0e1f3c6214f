using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Training;
using TextAttention.Workers;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The grid runner with real (tiny) training: order and hooks, resume, store keys, damage, worker processes, the
/// store's lock, and kept models. Each resumed, parallel or restored grid must give exactly the results files of one
/// uninterrupted run in one process, byte for byte.
/// </summary>
[Collection("training")]
public sealed class GridRunnerTests : IDisposable
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 16, BatchSize: 32, Training: new TrainingOptions(Epochs: 2), Threads: 1);

    private readonly string folder = Directory.CreateTempSubdirectory("textattention-grid-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A small synthetic corpus made by <see cref="Corpora.Load"/>, so that worker processes can make it again.</summary>
    private static Corpus Small(int seed = 5) => Corpora.Load(Corpora.Synthetic,
        new CorpusOptions(Synthetic: new SyntheticOptions(Train: 96, Validation: 32, Test: 32, MinLength: 5, MaxLength: 12, Seed: seed)));

    private static List<RunSpec> Specs(Corpus corpus, RunSettings? settings = null) =>
        [.. new[] { "mean", "han" }.SelectMany(p => new[] { 1, 2 }.Select(s => new RunSpec(corpus.Name, corpus.Fingerprint, p, s, settings ?? Tiny)))];

    /// <summary>The bytes of the three results files that <see cref="Results.Save"/> writes for <paramref name="runs"/>.</summary>
    private string Files(IReadOnlyList<RunResult> runs, string name)
    {
        var path = Path.Combine(folder, name + ".csv");
        Results.Save(path, runs, items: true);
        return File.ReadAllText(path) + "\n--- history\n" + File.ReadAllText(Results.HistoryPath(path)) + "\n--- items\n" + File.ReadAllText(Results.ItemsPath(path));
    }

    [Fact]
    public void Every_run_trains_once_in_order_and_every_hook_hears_of_it_by_its_spec()
    {
        var corpus = Small();
        var runner = new GridRunner(new RunData([corpus]));
        var started = new List<RunSpec>();
        var batches = 0;
        var epochs = 0;
        var modelsSeen = 0;
        runner.RunStarting += started.Add;
        runner.BatchFinished += (_, _) => batches++;
        runner.EpochFinished += (_, _) => epochs++;
        runner.RunFinished += (spec, run) =>
        {
            Assert.Equal(spec, run.Spec);
            modelsSeen += run.Model is null ? 0 : 1;
        };

        var runs = runner.Run(Specs(corpus));

        Assert.Equal(Specs(corpus), started);
        Assert.Equal(Specs(corpus), runs.Select(r => r.Spec));
        Assert.Equal(4 * 2 * 3, batches);   // 96 examples in batches of 32, two epochs
        Assert.Equal(4 * 2, epochs);
        Assert.Equal(4, modelsSeen);        // alive during the hook ...
        Assert.All(runs, r => Assert.Null(r.Model));   // ... and released afterwards
        Assert.Contains("listed 2 times", Assert.Throws<ArgumentException>(() => runner.Run([.. Specs(corpus), Specs(corpus)[0]])).Message);
    }

    [Fact]
    public void A_grid_stopped_after_two_runs_resumes_with_the_rest_and_the_same_results_files()
    {
        var corpus = Small();
        var expected = Files(new GridRunner(new RunData([corpus])).Run(Specs(corpus)), "uninterrupted");
        var store = new RunStore(Path.Combine(folder, "runs"));
        var interrupted = new GridRunner(new RunData([corpus])) { Store = store };
        var finished = 0;
        interrupted.RunFinished += (_, _) =>
        {
            if (++finished == 2)
            {
                throw new OperationCanceledException("stopped by the test");
            }
        };
        Assert.Throws<OperationCanceledException>(() => interrupted.Run(Specs(corpus)));

        var resumed = new GridRunner(new RunData([corpus])) { Store = store };
        var restored = new List<RunSpec>();
        var trained = new List<RunSpec>();
        resumed.RunRestored += (spec, _) => restored.Add(spec);
        resumed.RunFinished += (spec, _) => trained.Add(spec);
        var actual = Files(resumed.Run(Specs(corpus)), "resumed");

        Assert.Equal(["synthetic mean seed 1", "synthetic mean seed 2"], restored.Select(s => s.ToString()[..^9]));
        Assert.Equal(["synthetic han seed 1", "synthetic han seed 2"], trained.Select(s => s.ToString()[..^9]));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_stored_run_counts_only_for_the_same_settings_and_data()
    {
        var store = new RunStore(Path.Combine(folder, "runs"));
        var corpus = Small();
        var other = Small(seed: 6);
        new GridRunner(new RunData([corpus])) { Store = store }.Run(Specs(corpus));
        var restored = 0;
        var runner = new GridRunner(new RunData([corpus, other])) { Store = store };
        runner.RunRestored += (_, _) => restored++;

        runner.Run([new RunSpec(corpus.Name, corpus.Fingerprint, "mean", 1, Tiny with { Training = new TrainingOptions(Epochs: 1) })]);
        runner.Run([new RunSpec(other.Name, other.Fingerprint, "mean", 1, Tiny)]);
        runner.Run([new RunSpec(corpus.Name, corpus.Fingerprint, "mean", 1, Tiny.WithLearningRate(1e-2))]);
        runner.Run([new RunSpec(corpus.Name, corpus.Fingerprint, "mean", 1, Tiny)]);

        Assert.Equal(1, restored);   // only the last, with the very settings and data of a stored run
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("one class")]
    [InlineData("wrong count")]
    [InlineData("another run")]
    [InlineData("NaN loss")]
    public void A_damaged_stored_run_is_reported_with_its_path_and_trained_again(string damage)
    {
        var store = new RunStore(Path.Combine(folder, "runs"));
        var corpus = Small();
        var spec = Specs(corpus)[0];
        var expected = Files(new GridRunner(new RunData([corpus])) { Store = store }.Run([spec]), "first");
        var path = store.PathOf(spec);
        var json = File.ReadAllText(path);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        switch (damage)
        {
            case "one class":
                node["Confusion"] = System.Text.Json.Nodes.JsonNode.Parse("[[32]]");
                break;
            case "wrong count":
                node["Confusion"]![0]![0] = 1000;
                break;
            case "another run":
                node["Seed"] = 7;
                break;
            case "NaN loss":
                node["TestLoss"] = "NaN";   // how System.Text.Json writes a NaN it is allowed to write
                break;
        }

        File.WriteAllText(path, damage == "truncated" ? json[..40] : node.ToJsonString());
        var reports = new List<string>();
        var runner = new GridRunner(new RunData([corpus])) { Store = store };
        runner.RunDamaged += (_, why) => reports.Add(why);

        var actual = Files(runner.Run([spec]), "again");

        Assert.Contains(path, Assert.Single(reports));
        Assert.Equal(expected, actual);
        Assert.NotNull(store.TryLoad(spec));   // trained again and stored whole
    }

    [Fact]
    public void Two_worker_processes_give_the_results_files_of_one_process_and_store_the_weights()
    {
        var corpus = Small();
        var expected = Files(new GridRunner(new RunData([corpus])).Run(Specs(corpus)), "one-process");
        var store = new RunStore(Path.Combine(folder, "runs"));
        var runner = new GridRunner(new RunData([corpus])) { Store = store, Executor = new WorkerProcessExecutor(2), SaveModels = true };
        var started = new List<RunSpec>();
        runner.RunStarting += started.Add;

        var runs = runner.Run(Specs(corpus));

        Assert.Equal(expected, Files(runs, "two-workers"));
        Assert.Equal(4, started.Distinct().Count());   // the workers' progress reached the parent's hooks
        var data = Experiment.Prepare(corpus, Tiny);
        foreach (var run in runs)
        {
            using var model = store.LoadModel(run.Spec, Experiment.Config(data, run.Pooling, Tiny));
            Assert.Equal(run.Test.Accuracy, data.Predictor(model, Tiny).Evaluate(data.Test).Accuracy);
        }

        Assert.False(Directory.EnumerateFiles(store.Directory, "*.claim", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public void A_second_grid_on_a_store_in_use_is_refused_with_a_message_and_the_first_finishes()
    {
        var corpus = Small();
        var store = new RunStore(Path.Combine(folder, "runs"));
        var first = new GridRunner(new RunData([corpus])) { Store = store, Executor = new WorkerProcessExecutor(2) };
        string? refused = null;
        var tried = false;
        first.RunStarting += _ =>
        {
            if (tried)
            {
                return;
            }

            tried = true;
            // Another process holds the lock: simulated by a lock file naming a live process that is not this one.
            var lockFile = Path.Combine(store.Directory, "grid.lock");
            var mine = File.ReadAllText(lockFile);
            using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
            File.WriteAllText(lockFile, $"{other.Id} {other.StartTime.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.fffZ}");
            try
            {
                new GridRunner(new RunData([corpus])) { Store = store }.Run(Specs(corpus));
            }
            catch (IOException e)
            {
                refused = e.Message;
            }
            finally
            {
                File.WriteAllText(lockFile, mine);
                other.Kill();
            }
        };

        var runs = first.Run(Specs(corpus));

        Assert.Equal(4, runs.Count);
        Assert.NotNull(refused);
        Assert.Contains($"{store.Directory} is in use by another grid (process", refused);
        Assert.Contains("give this one another --runs folder", refused);
        Assert.False(File.Exists(Path.Combine(store.Directory, "grid.lock")));   // released at the end
    }

    [Fact]
    public void A_lock_left_by_a_process_that_is_gone_is_taken_over_with_its_job_files_removed()
    {
        var corpus = Small();
        var store = new RunStore(Path.Combine(folder, "runs"));
        Directory.CreateDirectory(store.Directory);
        File.WriteAllText(Path.Combine(store.Directory, "grid.lock"), "999999 2020-01-01T00:00:00.000Z");
        var leftJob = Path.Combine(store.Directory, $"grid-{Guid.NewGuid():N}.job");   // the killed grid's job file
        File.WriteAllText(leftJob, "{}");

        var runs = new GridRunner(new RunData([corpus])) { Store = store }.Run(Specs(corpus)[..1]);

        Assert.Single(runs);
        Assert.False(File.Exists(leftJob));
        Assert.Empty(Directory.EnumerateFiles(store.Directory, "*.job"));
    }

    [Fact]
    public void Runs_stored_without_weights_are_trained_again_when_models_are_kept_and_reload_to_the_same_predictions()
    {
        var corpus = Small();
        var store = new RunStore(Path.Combine(folder, "runs"));
        var first = new GridRunner(new RunData([corpus])) { Store = store }.Run(Specs(corpus));
        var wanting = new GridRunner(new RunData([corpus])) { Store = store, SaveModels = true };
        var predictions = new Dictionary<RunSpec, float[][]>();
        var data = Experiment.Prepare(corpus, Tiny);
        wanting.RunFinished += (spec, run) => predictions[spec] = [.. data.Predictor(run.Model!, Tiny).PredictEach(data.Test).Select(p => p.Probabilities)];

        var second = wanting.Run(Specs(corpus));

        Assert.Equal(4, predictions.Count);
        Assert.Equal(first.Select(r => r.Test.Confusion), second.Select(r => r.Test.Confusion));
        foreach (var run in second)
        {
            using var model = store.LoadModel(run.Spec, Experiment.Config(data, run.Pooling, Tiny));
            Assert.Equal(predictions[run.Spec], data.Predictor(model, Tiny).PredictEach(data.Test).Select(p => p.Probabilities));
        }

        var path = store.ModelPathOf(second[0].Spec);
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => store.LoadModel(second[0].Spec, Experiment.Config(data, "mean", Tiny))).Message);
        File.Delete(path);
        Assert.Contains(path, Assert.Throws<FileNotFoundException>(() => store.LoadModel(second[0].Spec, Experiment.Config(data, "mean", Tiny))).Message);
        Assert.Throws<ArgumentException>(() => new GridRunner(new RunData([corpus])) { SaveModels = true }.Run(Specs(corpus)));
    }
}
