using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.NativeFix;
using TextAttention.Workers;
using TorchSharp;

namespace TextAttention.Notebooks;

/// <summary>
/// The one place where a notebook, test or command fixes its seed, thread count, profile and data
/// folder. Every notebook calls <see cref="Start"/> from <c>notebooks/setup.dib</c>.
/// </summary>
/// <param name="Profile">
/// From <c>TEXTATTENTION_PROFILE</c> (<c>ci</c>, <c>full</c> or <c>official</c>; <c>ci</c> when unset, so that opening a
/// notebook and running it never starts hours of training unless the reader asked for it).
/// </param>
/// <param name="Seed">The seed given to <c>torch.manual_seed</c>; experiments derive their own seeds from their configuration.</param>
/// <param name="Threads">From <c>TEXTATTENTION_THREADS</c> (2 when unset); passed to <c>torch.set_num_threads</c>.</param>
/// <param name="DataDirectory">From <c>TEXTATTENTION_DATA</c>; the default the caller gives (the repository's <c>data/</c> for notebooks) when unset.</param>
public sealed record Session(Profile Profile, int Seed, int Threads, string DataDirectory)
{
    public const string ProfileVariable = "TEXTATTENTION_PROFILE";
    public const string ThreadsVariable = "TEXTATTENTION_THREADS";
    public const string DataVariable = "TEXTATTENTION_DATA";
    public const string JobsVariable = "TEXTATTENTION_JOBS";
    public const string RunsVariable = "TEXTATTENTION_RUNS";
    public const string OutputVariable = "TEXTATTENTION_OUTPUT";

    /// <summary>
    /// From <c>TEXTATTENTION_JOBS</c>: worker processes for a study. Null (unset) means one per core's worth of a run's
    /// threads; the numbers are the same for any value.
    /// </summary>
    public int? Jobs { get; init; }

    /// <summary>
    /// The worker program that trains a study's runs in parallel (the Workers project's own build output, which holds its
    /// packages); null or not built: one run at a time in the kernel's process, with a note that says why.
    /// </summary>
    public string? WorkerProgram { get; init; }

    /// <summary>From <c>TEXTATTENTION_RUNS</c>: the store of finished runs (<c>runs/</c> beside the notebooks when unset; git ignores it).</summary>
    public string RunsDirectory { get; init; } = Path.GetFullPath("runs");

    /// <summary>
    /// From <c>TEXTATTENTION_OUTPUT</c>: where results files and figures go (<c>results/</c> and <c>figures/</c> under it);
    /// the notebooks' folder when unset, so the committed results are the ones a full run writes. Tests point it elsewhere.
    /// </summary>
    public string OutputDirectory { get; init; } = Path.GetFullPath(".");

    /// <summary>The profile as files name it: <c>ci</c>, <c>full</c>, <c>official</c>.</summary>
    public string ProfileName => Profile.ToString().ToLowerInvariant();

    /// <summary>A results file of this profile: <c>results/NAME-PROFILE.csv</c> under <see cref="OutputDirectory"/>.</summary>
    public string ResultsFile(string name) => Path.Combine(OutputDirectory, "results", $"{name}-{ProfileName}.csv");

    /// <summary>A figure of this profile: <c>figures/NAME-PROFILE.png</c> under <see cref="OutputDirectory"/>.</summary>
    public string FigureFile(string name) => Path.Combine(OutputDirectory, "figures", $"{name}-{ProfileName}.png");

    public const int DefaultSeed = 2016;
    public const int DefaultThreads = 2;

    /// <summary>
    /// Reads the settings from the environment, makes TorchSharp's native library loadable on old
    /// libstdc++ (<see cref="TorchSharpNativeFix"/>), then fixes threads and seed.
    /// </summary>
    /// <exception cref="ArgumentException">An environment variable holds a value that is not allowed.</exception>
    /// <param name="defaultDataDirectory">The data folder when <c>TEXTATTENTION_DATA</c> is unset; notebooks pass <c>../data</c>.</param>
    /// <param name="workerProgram">The worker program (<see cref="WorkerProgram"/>); notebooks pass the Workers project's build output.</param>
    public static Session Start(string defaultDataDirectory, int seed = DefaultSeed, string? workerProgram = null)
    {
        var session = FromEnvironment(Environment.GetEnvironmentVariable, defaultDataDirectory, seed) with { WorkerProgram = workerProgram };
        TorchSharpNativeFix.Apply(TorchSharpNativeFix.CopiesNear(typeof(torch).Assembly.Location, AppContext.BaseDirectory));
        torch.set_num_threads(session.Threads);
        torch.manual_seed(session.Seed);
        return session;
    }

    /// <summary>Parses the settings without touching TorchSharp, so that bad values fail before any work.</summary>
    public static Session FromEnvironment(Func<string, string?> variable, string defaultDataDirectory, int seed = DefaultSeed)
    {
        var profileText = variable(ProfileVariable);
        var profile = string.IsNullOrWhiteSpace(profileText)
            ? Profile.Ci
            : profileText.Trim().ToLowerInvariant() switch
            {
                "ci" => Profile.Ci,
                "full" => Profile.Full,
                "official" => Profile.Official,
                _ => throw new ArgumentException($"{ProfileVariable}='{profileText}' is not a profile; use 'ci', 'full' or 'official'."),
            };

        var threadsText = variable(ThreadsVariable);
        var threads = DefaultThreads;
        if (!string.IsNullOrWhiteSpace(threadsText) && (!int.TryParse(threadsText, out threads) || threads < 1 || threads > 256))
        {
            throw new ArgumentException($"{ThreadsVariable}='{threadsText}' is not a thread count; use a whole number from 1 to 256.");
        }

        var jobsText = variable(JobsVariable);
        int? jobs = null;
        if (!string.IsNullOrWhiteSpace(jobsText))
        {
            jobs = int.TryParse(jobsText, out var n) && n is >= 1 and <= 256
                ? n
                : throw new ArgumentException($"{JobsVariable}='{jobsText}' is not a number of worker processes; use a whole number from 1 to 256.");
        }

        var data = variable(DataVariable);
        var dataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(data) ? defaultDataDirectory : data);
        var runs = variable(RunsVariable);
        var output = variable(OutputVariable);
        return new Session(profile, seed, threads, dataDirectory)
        {
            Jobs = jobs,
            RunsDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(runs) ? "runs" : runs),
            OutputDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(output) ? "." : output),
        };
    }

    /// <summary>How a line that reports a skipped part begins; <c>reproduce</c> collects these lines for its summary.</summary>
    public const string SkippedPrefix = "skipped: ";

    /// <summary>
    /// Writes one line saying what was skipped and why, for the reader and for <c>reproduce</c>'s
    /// summary, and returns it. The reason names no path of this machine (the data folder is
    /// written as <c>$TEXTATTENTION_DATA</c>), so the line can stay in a committed notebook.
    /// </summary>
    public string Skipped(string what, Exception why)
    {
        var reason = why switch
        {
            CorpusUnavailableException missing =>
                $"{missing.Reason}; put its files in the data folder's {missing.Folder}/ (data/ or TEXTATTENTION_DATA, see the README's Data section)",
            _ => why.Message.Split('\n')[0].Replace(DataDirectory, "$" + DataVariable, StringComparison.Ordinal),
        };
        var line = $"{SkippedPrefix}{what}: {reason}";
        Console.WriteLine(line);
        return line;
    }

    /// <summary>This session's comparison plan: <see cref="ComparisonPlan.For"/> its profile.</summary>
    public ComparisonPlan Plan => ComparisonPlan.For(Profile);

    /// <summary>
    /// A study of <paramref name="plan"/> as a notebook runs it: the plan's corpora from this session's data folder (a
    /// real corpus that cannot be had is skipped, with a line that says why), finished runs kept in
    /// <see cref="RunsDirectory"/> so an interrupted notebook resumes and later notebooks reuse them, spread over
    /// <see cref="Jobs"/> worker processes.
    /// </summary>
    /// <param name="what">How the skip lines name the part of the notebook that goes without the corpus.</param>
    public ComparisonStudy Study(ComparisonPlan plan, string what)
    {
        var corpora = plan.Load(CorpusOptions(), (name, e) => Skipped($"{name} in {what}", e));
        var jobs = Jobs ?? Math.Max(1, Environment.ProcessorCount / plan.Settings.Threads);
        var parallel = jobs > 1 && WorkerProgram is not null && WorkerProcessExecutor.CanRun(WorkerProgram);
        if (jobs > 1 && !parallel)
        {
            // Said once per study, so that a reader who finds it slow knows why and what to do.
            Console.WriteLine($"note: training in this process, one run at a time: the worker program {WorkerProgram ?? "TextAttention.Workers.dll"} is not built " +
                              "(setup.dib builds it unless TEXTATTENTION_SKIP_BUILD=1). The numbers are the same either way.");
        }

        return new ComparisonStudy(plan, corpora)
        {
            Store = new RunStore(RunsDirectory),
            Executor = parallel ? new WorkerProcessExecutor(jobs, WorkerProgram) : new InProcessExecutor(),
        };
    }

    /// <summary>Picks the CI or full value of a setting (the official profile uses the full one).</summary>
    public T Choose<T>(T ci, T full) => Profile == Profile.Ci ? ci : full;

    /// <summary>
    /// How a notebook loads a corpus: from this session's data folder, downloading it when allowed; the published
    /// files (checked against their hashes) in the ci and full profiles, the official splits in the official one.
    /// </summary>
    public CorpusOptions CorpusOptions(bool allowDownload = true) =>
        new(DataDirectory, allowDownload, Definition: Profile == Profile.Official ? CorpusDefinition.Official : CorpusDefinition.Published);
}
