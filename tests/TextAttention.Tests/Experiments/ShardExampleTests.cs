using System.Diagnostics;
using TextAttention.Experiments;

namespace TextAttention.Tests.Experiments;

/// <summary>
/// The cluster example of docs/cli.md, run for real: rounds of two shards, each merged, until the study is complete, train
/// every run of the study exactly once and write its results files. (That shards and worker processes give the bytes of one
/// process is <see cref="ComparisonStudyTests"/>' and <see cref="GridRunnerTests"/>' to show.)
/// </summary>
[Collection("training")]
public sealed class ShardExampleTests : IDisposable
{
    /// <summary>The command-line tool beside the tests (a project reference copies it).</summary>
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "TextAttention.Cli.dll");

    private readonly string folder = Directory.CreateTempSubdirectory("textattention-shards-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Rounds_of_two_shards_merge_into_the_results_files_of_one_run()
    {
        // A launcher that runs a round's array tasks one after another, as Slurm would on two nodes.
        var tasks = Repository.Path(".ci", "examples", "grid-shards.slurm");
        var rounds = Run("bash", [Repository.Path(".ci", "examples", "grid-rounds.sh")], new()
        {
            ["TEXTATTENTION_CLI"] = $"dotnet {Cli}", ["PROFILE"] = "ci", ["GRID_ARGS"] = "--corpora synthetic", ["SHARDS"] = "2",
            ["SHARD_DIR"] = Path.Combine(folder, "shards"), ["SLURM_CPUS_PER_TASK"] = "1", ["SLURM_SUBMIT_DIR"] = Repository.Path(),
            ["LAUNCH"] = $"for i in 1 2; do SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=2 bash '{tasks}' || exit 1; done",
        });

        Assert.True(rounds.ExitCode == 0, rounds.Output);
        // The ci study's stages, each a round: the search, the comparison, the second-best rates.
        Assert.Equal(3, rounds.Output.Split('\n').Count(l => l.StartsWith("Round ", StringComparison.Ordinal)));
        Assert.Contains(rounds.Output.Split('\n'), l => l.StartsWith("waiting", StringComparison.OrdinalIgnoreCase) || l.Contains("missing", StringComparison.Ordinal));
        var merged = Path.Combine(folder, "shards", "comparison-ci.csv");
        var files = new[] { merged }.Concat(new[] { Results.HistoryPath, Results.ItemsPath, Results.TuningPath, Results.SecondBestPath }.Select(path => path(merged)));
        Assert.All(files, file => Assert.True(File.Exists(file), $"the rounds wrote no {Path.GetFileName(file)}:\n{rounds.Output}"));

        // Every run of the study trained once, in one shard or the other: 4 poolings × 2 rates × 1 tuning seed, 4 × 2 seeds,
        // and the primary pair × 2 seeds at its second-best rates.
        var trained = rounds.Output.Split('\n').Where(l => l.Contains(": best validation accuracy", StringComparison.Ordinal) || l.Contains(": test accuracy", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)].Trim()).ToList();
        Assert.Equal(8 + 8 + 4, trained.Count);
        Assert.Equal(trained.Count, trained.Distinct().Count());
        var read = Results.Read(merged);
        Assert.Equal(8, read.Runs.Count);
        Assert.Equal(4, read.SecondBest.Count);
    }

    private static (int ExitCode, string Output) Run(string program, string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        return (process.HasExited ? process.ExitCode : -1, output.Result + error.Result);
    }
}
