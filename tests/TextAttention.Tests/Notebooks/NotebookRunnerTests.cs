using TextAttention.Cli.Reproduce;
using TextAttention.Experiments;
using TextAttention.Notebooks;

namespace TextAttention.Tests.Notebooks;

/// <summary>
/// Installs the pinned tools and builds the library once for all notebook runs, which share one temporary run store and
/// one folder for results and figures, as a reader's notebooks share <c>notebooks/runs</c>: notebook 05 trains the ci
/// study, and 06 and 07 read its models back. Nothing is written into the checkout.
/// </summary>
public sealed class PreparedRunner : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("textattention-notebooks-").FullName;

    public PreparedRunner()
    {
        var log = new StringWriter();
        new NotebookRunner(Repository.Root, Profile.Ci, TimeSpan.FromMinutes(1)).Prepare(log);
        OutputDirectory = Directory.CreateDirectory(Path.Combine(root, "executed")).FullName;
        RunsDirectory = Directory.CreateDirectory(Path.Combine(root, "runs")).FullName;
        ResultsDirectory = Directory.CreateDirectory(Path.Combine(root, "outputs")).FullName;
    }

    public string OutputDirectory { get; }

    public string RunsDirectory { get; }

    public string ResultsDirectory { get; }

    public NotebookRun Run(string notebook, TimeSpan timeout) =>
        new NotebookRunner(Repository.Root, Profile.Ci, timeout, runs: RunsDirectory, outputs: ResultsDirectory).Run(notebook, OutputDirectory);

    public void Dispose() => Directory.Delete(root, recursive: true);
}

[CollectionDefinition("notebooks", DisableParallelization = true)]
public sealed class NotebookCollection : ICollectionFixture<PreparedRunner>;

/// <summary>Every notebook runs headless, in the CI profile, without a cell error; and the runner can fail.</summary>
[Collection("notebooks")]
public sealed class NotebookRunnerTests(PreparedRunner runner)
{
    private static readonly TimeSpan NotebookTimeout = TimeSpan.FromMinutes(15);

    public static TheoryData<string> NotebookFiles() => NotebookPinTests.NotebookFiles();

    [Theory]
    [MemberData(nameof(NotebookFiles))]
    public void The_notebook_runs_headless_without_a_cell_error(string notebook)
    {
        var run = runner.Run(Repository.Path("notebooks", notebook), NotebookTimeout);

        Assert.True(run.Succeeded, run.Describe());
        Assert.True(File.Exists(run.ExecutedCopy));
    }

    [Fact]
    public void A_throwing_cell_fails_the_run_and_is_named_with_its_message()
    {
        var run = runner.Run(Repository.Path("tests", "TextAttention.Tests", "Fixtures", "throwing-cell.ipynb"), NotebookTimeout);

        Assert.False(run.Succeeded);
        Assert.Equal(2, run.ExitCode);
        var error = Assert.Single(run.Errors);
        Assert.Equal(3, error.Cell);
        Assert.Contains("deliberate failure from the fixture", error.ErrorValue);
        Assert.Contains("throwing-cell.ipynb: cell 3 (throw new InvalidOperationException", run.Describe());
    }

    [Fact]
    public void A_kernel_that_outlives_its_timeout_is_stopped_and_reported()
    {
        var run = runner.Run(Repository.Path("tests", "TextAttention.Tests", "Fixtures", "sleeping-cell.ipynb"), TimeSpan.FromSeconds(30));

        Assert.False(run.Succeeded);
        Assert.True(run.TimedOut);
        Assert.True(run.Elapsed < TimeSpan.FromMinutes(5), $"the kernel was stopped only after {run.Elapsed}");
        Assert.Contains("sleeping-cell.ipynb: the kernel did not finish", run.Describe());
    }
}
