using System.Diagnostics;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Training;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// Resumable, parallel and sharded grids: each must give exactly the results files of one uninterrupted run in
/// one process, byte for byte.
/// </summary>
[Collection("training")]
public sealed class ResumableGridTests : IDisposable
{
    private static readonly RunSettings Tiny = new(EmbeddingSize: 8, HiddenSize: 8, MaxLength: 16, BatchSize: 32, Training: new TrainingOptions(Epochs: 2), Threads: 1);

    /// <summary>The command-line tool beside the tests (a project reference copies it): the worker program.</summary>
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "TextAttention.Cli.dll");

    private readonly string folder = Directory.CreateTempSubdirectory("textattention-grid-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>A small synthetic corpus made by <see cref="Corpora.Load"/>, so that worker processes can make it again.</summary>
    private static Corpus Small() => Corpora.Load(Corpora.Synthetic,
        new CorpusOptions(Synthetic: new SyntheticOptions(Train: 96, Validation: 32, Test: 32, MinLength: 5, MaxLength: 12, Seed: 5)));

    private static ExperimentGrid Grid(RunStore? store = null, GridWorkers? workers = null, Shard? shard = null, bool train = true) =>
        new(["mean", "han"], [1, 2], Tiny) { Store = store, Workers = workers, Shard = shard, TrainMissing = train };

    /// <summary>The bytes of the two results files that <see cref="Results.Save"/> writes for <paramref name="runs"/>.</summary>
    private string Files(IReadOnlyList<RunResult> runs, string name)
    {
        var path = Path.Combine(folder, name + ".csv");
        Results.Save(path, runs, items: true);
        return File.ReadAllText(path) + "\n--- history\n" + File.ReadAllText(Results.HistoryPath(path)) + "\n--- items\n" + File.ReadAllText(Results.ItemsPath(path));
    }

    [Fact]
    public void A_grid_stopped_after_two_runs_resumes_with_the_rest_and_the_same_results_files()
    {
        var expected = Files(Grid().Run([Small()]), "uninterrupted");
        var store = new RunStore(Path.Combine(folder, "runs"));
        var interrupted = Grid(store);
        var finished = 0;
        interrupted.RunFinished += (_, _) =>
        {
            if (++finished == 2)
            {
                throw new OperationCanceledException("stopped by the test");
            }
        };
        Assert.Throws<OperationCanceledException>(() => interrupted.Run([Small()]));

        var resumed = Grid(store);
        var restored = new List<RunKey>();
        var trained = new List<RunKey>();
        resumed.RunRestored += (key, run) => restored.Add(key);
        resumed.RunFinished += (key, run) => trained.Add(key);
        var actual = Files(resumed.Run([Small()]), "resumed");

        Assert.Equal(["synthetic mean seed 1", "synthetic mean seed 2"], restored.Select(k => k.ToString()));
        Assert.Equal(["synthetic han seed 1", "synthetic han seed 2"], trained.Select(k => k.ToString()));
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void A_stored_run_counts_only_for_the_same_settings_and_data()
    {
        var store = new RunStore(Path.Combine(folder, "runs"));
        var corpus = Small();
        Grid(store).Run([corpus]);

        var restored = 0;
        var longer = new ExperimentGrid(["mean"], [1], Tiny with { Training = new TrainingOptions(Epochs: 1) }) { Store = store };
        longer.RunRestored += (_, _) => restored++;
        longer.Run([corpus]);
        var other = new ExperimentGrid(["mean"], [1], Tiny) { Store = store };
        other.RunRestored += (_, _) => restored++;
        other.Run([Corpora.Subset(corpus, 64, 32)]);
        var same = new ExperimentGrid(["mean"], [1], Tiny) { Store = store };
        same.RunRestored += (_, _) => restored++;
        same.Run([corpus]);

        Assert.Equal(1, restored);   // only the last grid, with the very settings and data of a stored run
    }

    [Fact]
    public void A_damaged_stored_run_is_reported_with_its_path()
    {
        var store = new RunStore(Path.Combine(folder, "runs"));
        var corpus = Small();
        new ExperimentGrid(["mean"], [1], Tiny) { Store = store }.Run([corpus]);
        var path = store.PathOf(corpus.Name, corpus.Fingerprint, "mean", 1, Tiny);
        File.WriteAllText(path, File.ReadAllText(path)[..40]);

        var error = Assert.Throws<InvalidDataException>(() => new ExperimentGrid(["mean"], [1], Tiny) { Store = store }.Run([corpus]));

        Assert.Contains(path, error.Message);
        Assert.Contains("delete the file", error.Message);
    }

    [Fact]
    public void Two_worker_processes_give_the_results_files_of_one_process()
    {
        Assert.True(File.Exists(Cli), $"the worker program is missing: {Cli}");
        var expected = Files(Grid().Run([Small()]), "one-process");
        var started = new List<string>();
        var grid = Grid(new RunStore(Path.Combine(folder, "runs")), GridWorkers.Dotnet(2, Cli));
        grid.RunStarting += key => started.Add(key.ToString());

        var actual = Files(grid.Run([Small()]), "two-workers");

        Assert.Equal(expected, actual);
        Assert.Equal(4, started.Distinct().Count());   // the workers' progress reached the parent's hooks
    }

    [Fact]
    public void Two_shards_merged_give_the_results_files_of_one_run()
    {
        var expected = Files(Grid().Run([Small()]), "one-run");
        var first = new RunStore(Path.Combine(folder, "shard-1"));
        var second = new RunStore(Path.Combine(folder, "shard-2"));
        var one = Grid(first, shard: new Shard(1, 2)).Run([Small()]);
        var two = Grid(second, shard: new Shard(2, 2)).Run([Small()]);
        var merged = new RunStore(Path.Combine(folder, "merged"));

        var incomplete = Assert.Throws<InvalidOperationException>(() => { merged.Import(first); Grid(merged, train: false).Run([Small()]); });
        merged.Import(second);
        var actual = Files(Grid(merged, train: false).Run([Small()]), "merged");

        Assert.Equal([("mean", 1), ("han", 1)], one.Select(r => (r.Pooling, r.Seed)));
        Assert.Equal([("mean", 2), ("han", 2)], two.Select(r => (r.Pooling, r.Seed)));
        Assert.Contains("2 of 4 runs are not in", incomplete.Message);
        Assert.Contains("synthetic han seed 2", incomplete.Message);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Shards_are_parsed_strictly()
    {
        Assert.Equal(new Shard(2, 4), Shard.Parse("2/4"));
        foreach (var bad in new[] { "0/2", "3/2", "2", "a/b", "1/0" })
        {
            Assert.Contains("is not a shard", Assert.Throws<ArgumentException>(() => Shard.Parse(bad)).Message);
        }
    }

    [Fact]
    public void A_killed_command_line_grid_resumes_with_the_same_results_files()
    {
        string[] grid = ["train", "--pooling", "mean,han", "--seeds", "1,2", "--epochs", "1", "--embedding", "8", "--hidden", "8", "--max-len", "16", "--jobs", "1"];
        var reference = Path.Combine(folder, "reference.csv");
        Assert.Equal(0, Start([.. grid, "--out", reference]).WaitForExitOrKill());
        var runs = Path.Combine(folder, "runs");
        var resumed = Path.Combine(folder, "resumed.csv");

        using (var first = Start([.. grid, "--runs", runs, "--out", resumed]))
        {
            var clock = Stopwatch.StartNew();
            while (!(Directory.Exists(runs) && Directory.EnumerateFiles(runs, "*.json", SearchOption.AllDirectories).Any()) && clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                Thread.Sleep(50);
            }

            first.Kill(entireProcessTree: true);   // SIGKILL: no chance to tidy up
            first.WaitForExit();
        }

        Assert.False(File.Exists(resumed));
        var stored = Directory.EnumerateFiles(runs, "*.json", SearchOption.AllDirectories).Count();
        Assert.InRange(stored, 1, 3);
        Assert.Equal(0, Start([.. grid, "--runs", runs, "--out", resumed]).WaitForExitOrKill());
        Assert.Equal(File.ReadAllText(reference), File.ReadAllText(resumed));
        Assert.Equal(File.ReadAllText(Results.HistoryPath(reference)), File.ReadAllText(Results.HistoryPath(resumed)));
    }

    [Fact]
    public void The_slurm_example_trains_two_shards_per_phase_and_merges_them_into_the_results_of_one_run()
    {
        var script = Repository.Path(".ci", "examples", "grid-shards.slurm");
        var reference = Path.Combine(folder, "reference.csv");
        Assert.Equal(0, Start(["grid", "--profile", "ci", "--corpora", "synthetic", "--jobs", "1", "--runs", Path.Combine(folder, "single"), "--out", reference]).WaitForExitOrKill());

        var environment = new Dictionary<string, string>
        {
            ["TEXTATTENTION_CLI"] = $"dotnet {Cli}", ["PROFILE"] = "ci", ["GRID_ARGS"] = "--corpora synthetic",
            ["SHARD_DIR"] = Path.Combine(folder, "shards"), ["RUNS"] = Path.Combine(folder, "merged"),
            ["SLURM_ARRAY_TASK_COUNT"] = "2", ["SLURM_CPUS_PER_TASK"] = "1", ["SLURM_SUBMIT_DIR"] = Repository.Path(),
        };
        foreach (var phase in new[] { "search", "compare" })
        {
            foreach (var task in new[] { "1", "2" })
            {
                Bash(script, environment, new() { ["PHASE"] = phase, ["SLURM_ARRAY_TASK_ID"] = task });
            }

            Bash(script, environment, new() { ["PHASE"] = phase, ["MERGE"] = "1" });
        }

        var merged = Path.Combine(folder, "shards", "comparison-ci.csv");
        Assert.Equal(File.ReadAllText(reference), File.ReadAllText(merged));
        Assert.Equal(File.ReadAllText(Results.HistoryPath(reference)), File.ReadAllText(Results.HistoryPath(merged)));
    }

    [Fact]
    public void Every_grid_command_of_the_github_actions_example_parses()
    {
        var workflow = File.ReadAllLines(Repository.Path(".ci", "examples", "grid-shards.github.yml"));
        var commands = workflow.Select(l => l.Trim()).Where(l => l.StartsWith("run: dotnet run", StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Replace("${{ matrix.shard }}", "3", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(4, commands.Count);
        foreach (var command in commands)
        {
            var parsed = TextAttention.Cli.Commands.Build().Parse(command);
            Assert.True(parsed.Errors.Count == 0, $"{command}: {string.Join("; ", parsed.Errors.Select(e => e.Message))}");
            Assert.Equal("grid", parsed.CommandResult.Command.Name);
        }
    }

    private static int Bash(string script, Dictionary<string, string> environment, Dictionary<string, string> more)
    {
        var info = new ProcessStartInfo("bash", [script]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment.Concat(more))
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"bash {Path.GetFileName(script)} failed:\n{output.Result}\n{error.Result}");
        return process.ExitCode;
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Cli, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var process = Process.Start(info)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}

internal static class ProcessExtensions
{
    public static int WaitForExitOrKill(this Process process)
    {
        using (process)
        {
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                return -1;
            }

            return process.ExitCode;
        }
    }
}
