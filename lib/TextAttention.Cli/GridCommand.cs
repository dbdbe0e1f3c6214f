using System.CommandLine;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Notebooks;
using TorchSharp;

namespace TextAttention.Cli;

/// <summary>
/// <c>grid</c>: notebook 05's comparison grid from the command line, resumable, over worker processes and as
/// shards for a job matrix; <c>grid-worker</c>: the hidden worker a parallel grid starts.
/// </summary>
internal static class GridCommand
{
    public static Command Build()
    {
        var profile = new Option<string>("--profile")
        {
            Description = "ci: the small smoke-test grid; full: the published grid on the published data; official: the published grid on the official splits.",
            DefaultValueFactory = _ => "ci",
        };
        profile.AcceptOnlyFromAmong("ci", "full", "official");
        var corpora = new Option<string>("--corpora")
        {
            Description = $"Comma-separated corpora of the grid (default: all of {string.Join(", ", Corpora.Names)} that can be had).",
            HelpName = "names",
        };
        corpora.Validators.Add(r =>
        {
            foreach (var name in Split(r.GetValueOrDefault<string>()).Where(n => !Corpora.Names.Contains(n)))
            {
                r.AddError($"--corpora: '{name}' is not a corpus; choose from {string.Join(", ", Corpora.Names)}.");
            }
        });
        var jobs = Jobs();
        var shard = ShardOption();
        var runs = new Option<DirectoryInfo>("--runs")
        {
            Description = "The run store: finished runs are kept here and not trained again. Default: notebooks/runs, the store notebook 05 reads, so `reproduce` then finds the grid done.",
            HelpName = "dir",
        };
        var fresh = new Option<bool>("--fresh") { Description = "Forget the runs in the store and train everything again." };
        var import = new Option<DirectoryInfo[]>("--import")
        {
            Description = "First copy the finished runs of these stores (shards trained elsewhere) into the run store.",
            HelpName = "dir",
            AllowMultipleArgumentsPerToken = true,
        };
        var noTrain = new Option<bool>("--no-train") { Description = "Train nothing: gather the grid from the store, failing with the list of runs that are missing (the merge step after shards)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write one row per run to this CSV, and beside it the learning curves, per-item test results and the learning-rate search, as notebook 05 does.", HelpName = "file" };
        var searchOnly = new Option<bool>("--search-only") { Description = "Stop after the learning-rate search (the first phase of a sharded grid)." };
        var dataDir = new Option<DirectoryInfo?>("--data-dir") { Description = $"Data folder holding agnews/ and thucnews/ (default: {Repository.DataVariable}, else data/).", HelpName = "dir" };
        var offline = new Option<bool>("--no-download") { Description = "Fail instead of downloading a missing corpus." };

        var command = new Command("grid", """
            Train notebook 05's comparison grid: first the learning-rate search (every pooling × candidate rate on the
            tuning seed), then every pooling × reported seed × corpus with its chosen rate. Runs already in the store
            are skipped, so an interrupted grid resumes; --jobs spreads runs over worker processes and --shard i/n
            does one deterministic slice, for a job matrix (in two phases: search, then comparison); --import with
            --no-train merges the shards. The numbers do not depend on --jobs or --shard.
            """)
        {
            profile, corpora, jobs, shard, runs, fresh, import, noTrain, searchOnly, output, dataDir, offline,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var chosen = Enum.Parse<Profile>(parse.GetValue(profile)!, ignoreCase: true);
                var plan = chosen == Profile.Ci ? ComparisonPlan.Ci : ComparisonPlan.Full;
                var session = new Session(chosen, Session.DefaultSeed, plan.Settings.Threads, Repository.DataFolder(parse.GetValue(dataDir)));
                var options = session.CorpusOptions(!parse.GetValue(offline)) with { Warn = m => error.WriteLine("note: " + m) };
                var names = parse.GetValue(corpora) is { } list ? Split(list) : null;
                var loaded = plan.Corpora(options, names is null ? (name, e) => error.WriteLine($"skipped: {name}: {e.Message.Split('\n')[0]}") : null, names);
                if (loaded.Count == 0)
                {
                    error.WriteLine("error: no corpus of the grid could be loaded.");
                    return 1;
                }

                var store = new RunStore(parse.GetValue(runs)?.FullName ?? Path.Combine(Repository.Root(), "notebooks", "runs"));
                if (parse.GetValue(fresh))
                {
                    store.Clear();
                }

                foreach (var other in parse.GetValue(import) ?? [])
                {
                    if (!other.Exists)
                    {
                        throw new DirectoryNotFoundException($"--import: {other.FullName} does not exist.");
                    }

                    console.WriteLine($"imported {store.Import(new RunStore(other.FullName))} runs from {other.FullName}");
                }

                ExperimentGrid grid;
                var workers = Workers(parse.GetValue(jobs), plan.Settings.Threads);
                var slice = parse.GetValue(shard) is { } s ? Shard.Parse(s) : null;
                var train = !parse.GetValue(noTrain);
                console.WriteLine($"{chosen.ToString().ToLowerInvariant()} grid: {string.Join(", ", loaded.Select(c => $"{c.Name} ({c.Fingerprint})"))}; " +
                                  $"{plan.Poolings.Count} poolings × {plan.Seeds.Count} seeds{(slice is null ? "" : $", shard {slice}")}; " +
                                  $"{workers?.Count ?? 1} worker(s) × {plan.Settings.Threads} thread(s); store {store.Directory}");

                // 1. The learning-rate search (validation only, tuning seeds); a shard trains its slice of it.
                List<RunResult> tuning;
                if (plan.LearningRates.Count > 0)
                {
                    console.WriteLine($"learning-rate search: {string.Join(", ", plan.LearningRates)} × seed {string.Join(", ", plan.TuningSeeds)}");
                    var search = plan.TuningGrid().With(store, workers, slice, train);
                    GridProgress.Run(console, search, () => search.Run(loaded), (key, run) =>
                        $"  {key} ({key.Number}/{key.Count}): best validation accuracy {run.History.Best.ValidationAccuracy:P2}, epoch {run.History.BestEpoch} of {run.History.Epochs.Count}");
                    var complete = plan.TuningGrid().With(store, null, null, trainMissing: false);
                    try
                    {
                        tuning = complete.Run(loaded);
                    }
                    catch (InvalidOperationException) when (slice is not null)
                    {
                        console.WriteLine($"shard {slice} of the learning-rate search is done. Merge the shards' stores (--import … --no-train --search-only) " +
                                          "and run the shards again with the merged store imported, for the comparison.");
                        return 0;
                    }

                    var choices = LearningRateSearch.Choose(tuning);
                    console.WriteLine(string.Join("; ", choices.Select(c => $"{c.Dataset} {c.Pooling}: {c.Chosen}")));
                    if (parse.GetValue(output) is { } tuningFile)
                    {
                        var path = Results.TuningPath(tuningFile.FullName);
                        Results.Save(path, tuning);
                        console.WriteLine($"wrote {path}");
                    }

                    if (parse.GetValue(searchOnly))
                    {
                        return 0;
                    }

                    grid = plan.Grid(choices).With(store, workers, slice, train);
                }
                else
                {
                    grid = plan.Grid().With(store, workers, slice, train);
                }

                // 2. The comparison: every pooling × reported seed with its chosen rate.
                var results = GridProgress.Run(console, grid, () => grid.Run(loaded),
                    (key, run) => $"{key} ({key.Number}/{key.Count}): test accuracy {run.Test.Accuracy:P2}, best epoch {run.History.BestEpoch} of {run.History.Epochs.Count}");
                console.WriteLine();
                console.WriteLine(TextTables.Format(Statistics.Summary(results.Select(r => r.Score))));
                if (parse.GetValue(output) is { } file)
                {
                    if (slice is not null)
                    {
                        throw new ArgumentException("--out needs the whole grid: merge the shards (--import … --no-train) to write results files.");
                    }

                    Results.Save(file.FullName, results, items: true);
                    console.WriteLine($"wrote {file.FullName}, {Results.HistoryPath(file.FullName)} and {Results.ItemsPath(file.FullName)}");
                }

                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException or InvalidOperationException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>The hidden worker: trains the unclaimed runs of a job file and prints one JSON event per line.</summary>
    public static Command Worker()
    {
        var job = new Option<FileInfo>("--job") { Description = "The job file a parallel grid wrote.", Required = true, HelpName = "file" };
        var command = new Command("grid-worker", "Internal: one worker process of a parallel grid.") { job };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                // The parent holds our standard input open; when it dies, the input closes and so do we.
                if (Console.IsInputRedirected)
                {
                    new Thread(() =>
                    {
                        Console.In.ReadToEnd();
                        Environment.Exit(130);
                    }) { IsBackground = true }.Start();
                }

                GridWorker.Run(GridJob.Load(parse.GetValue(job)!.FullName), torch.set_num_threads, e =>
                {
                    lock (output)
                    {
                        output.WriteLine(e.ToJson());
                        output.Flush();
                    }
                });
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary><c>--jobs</c>: worker processes; the default fills the cores with runs of the given threads.</summary>
    public static Option<int?> Jobs() => new Option<int?>("--jobs")
    {
        Description = "Worker processes, each training one run at a time with the grid's fixed threads per run (default: cores ÷ threads per run). Results do not depend on it.",
        HelpName = "n",
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<int?>() is < 1 or > 256)
                {
                    r.AddError("--jobs must be a whole number from 1 to 256.");
                }
            },
        },
    };

    /// <summary><c>--shard i/n</c>.</summary>
    public static Option<string?> ShardOption() => new Option<string?>("--shard")
    {
        Description = "Do only slice i of n of the grid (runs i, i+n, i+2n, … in grid order), for a job matrix; merge with `grid --import … --no-train`.",
        HelpName = "i/n",
        Validators =
        {
            r =>
            {
                if (r.GetValueOrDefault<string?>() is { } text)
                {
                    try
                    {
                        Shard.Parse(text);
                    }
                    catch (ArgumentException e)
                    {
                        r.AddError("--shard: " + e.Message);
                    }
                }
            },
        },
    };

    /// <summary>Worker processes running this very program, or null for one process.</summary>
    public static GridWorkers? Workers(int? jobs, int threadsPerRun)
    {
        var count = jobs ?? Math.Max(1, Environment.ProcessorCount / threadsPerRun);
        return count > 1 ? GridWorkers.Dotnet(count, typeof(Commands).Assembly.Location) : null;
    }

    private static List<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
