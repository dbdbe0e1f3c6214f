using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Workers;
using TextAttention.Notebooks;
using TorchSharp;

namespace TextAttention.Tests.Platform;

public sealed class SessionTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] values) =>
        name => values.Where(v => v.Name == name).Select(v => v.Value).FirstOrDefault();

    [Fact]
    public void Without_settings_the_session_is_the_quick_profile_two_threads_and_the_default_data_folder()
    {
        var session = Session.FromEnvironment(Environment(), Repository.Path("data"));

        Assert.Equal(Profile.Ci, session.Profile);
        Assert.Equal(2, session.Threads);
        Assert.Equal(Session.DefaultSeed, session.Seed);
        Assert.Equal(Repository.Path("data"), session.DataDirectory);
    }

    [Fact]
    public void Settings_come_from_the_environment()
    {
        var data = Path.GetTempPath();
        var session = Session.FromEnvironment(Environment(
            (Session.ProfileVariable, " CI "), (Session.ThreadsVariable, "1"), (Session.DataVariable, data)), "/unused", seed: 7);

        Assert.Equal(new Session(Profile.Ci, 7, 1, Path.GetFullPath(data)), session);
        Assert.Equal(10, session.Choose(ci: 10, full: 1000));
    }

    [Theory]
    [InlineData(Session.ProfileVariable, "fast", "use 'ci', 'full' or 'official'")]
    [InlineData(Session.ThreadsVariable, "0", "from 1 to 256")]
    [InlineData(Session.ThreadsVariable, "two", "from 1 to 256")]
    [InlineData(Session.JobsVariable, "0", "from 1 to 256")]
    [InlineData(Session.JobsVariable, "many", "from 1 to 256")]
    public void A_bad_setting_is_named_with_its_value(string variable, string value, string advice)
    {
        var error = Assert.Throws<ArgumentException>(() => Session.FromEnvironment(Environment((variable, value)), "/unused"));

        Assert.Contains($"{variable}='{value}'", error.Message);
        Assert.Contains(advice, error.Message);
    }

    [Fact]
    public void Workers_and_the_run_store_come_from_the_environment_and_shape_the_notebook_study()
    {
        var runs = Path.Combine(Path.GetTempPath(), "textattention-session-runs");
        var session = Session.FromEnvironment(Environment((Session.JobsVariable, "3"), (Session.RunsVariable, runs)), "/unused");
        var plan = ComparisonPlan.Ci with { Corpora = [new CorpusDesign(TextAttention.Data.Corpora.Synthetic, [1])] };

        var worker = Path.Combine(AppContext.BaseDirectory, "TextAttention.Workers.dll");   // beside the tests, with TorchSharp
        var study = (session with { WorkerProgram = worker }).Study(plan, "a test");
        var single = (session with { Jobs = 1, WorkerProgram = worker }).Study(plan, "a test");
        var unbuilt = (session with { WorkerProgram = "/nowhere/TextAttention.Workers.dll" }).Study(plan, "a test");

        Assert.Equal(3, Assert.IsType<WorkerProcessExecutor>(study.Executor).Count);
        Assert.IsType<InProcessExecutor>(unbuilt.Executor);
        Assert.Equal(runs, study.Store!.Directory);
        Assert.IsType<InProcessExecutor>(single.Executor);
        Assert.Equal(ComparisonPlan.Ci, session with { Profile = Profile.Ci } is { } ci ? ci.Plan : null);
    }

    [Fact]
    public void Start_fixes_the_seed_so_random_draws_repeat()
    {
        Session.Start(Repository.Path("data"), seed: 11);
        using var first = torch.rand(5);
        Session.Start(Repository.Path("data"), seed: 11);
        using var second = torch.rand(5);

        Assert.Equal(first.data<float>().ToArray(), second.data<float>().ToArray());
        Assert.Equal(Session.DefaultThreads, torch.get_num_threads());
    }

    [Fact]
    public void A_skip_is_one_line_that_says_why_without_this_machines_paths()
    {
        var session = new Session(Profile.Ci, 1, 2, "/home/reader/corpora");
        var missing = new TextAttention.Data.CorpusUnavailableException("AG News is not in /home/reader/corpora/agnews ...", "agnews", "agnews", "Downloading is switched off");
        var malformed = new DataFormatException("/home/reader/corpora/agnews/test.csv", 7, "a row has 2 fields, not 3\nmore detail");

        var first = session.Skipped("agnews in the comparison", missing);
        var second = session.Skipped("agnews", malformed);

        Assert.Equal("skipped: agnews in the comparison: Downloading is switched off; put its files in the data folder's agnews/ (data/ or TEXTATTENTION_DATA, see the README's Data section)", first);
        Assert.Equal("skipped: agnews: $TEXTATTENTION_DATA/agnews/test.csv:7: a row has 2 fields, not 3", second);
    }
}
