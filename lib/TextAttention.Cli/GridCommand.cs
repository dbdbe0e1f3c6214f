using System.CommandLine;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Notebooks;

namespace TextAttention.Cli;

/// <summary><c>grid</c>: notebook 05's study from the command line: resumable, over worker processes, and as shards for a job matrix.</summary>
internal static class GridCommand
{
    /// <summary>The exit code of <c>grid --no-train</c> when the study needs another round of shards (a driver loop's signal).</summary>
    public const int WaitingExitCode = 3;

    public static Command Build()
    {
        var profile = new Option<string>("--profile")
        {
            Description = "ci: the small check of the whole protocol; full: the published study on the published data; official: the published study on the official splits.",
            DefaultValueFactory = _ => "ci",
        };
        profile.AcceptOnlyFromAmong("ci", "full", "official");
        var studyName = new Option<string>("--study")
        {
            Description = "comparison: notebook 05's study; explanation: the models notebook 07 explains (05's runs of attention_1, attention_2 " +
                          "and mhsa, which a finished comparison already holds, and the same three on the tweets, by the same protocol).",
            DefaultValueFactory = _ => "comparison",
        };
        studyName.AcceptOnlyFromAmong("comparison", "explanation");
        var known = ComparisonPlan.Explanation(Profile.Full).Corpora.Select(d => d.Name).ToList();
        var corpora = new Option<string?>("--corpora")
        {
            Description = $"Comma-separated corpora of the study (default: all of the study's that can be had; the comparison has {string.Join(", ", ComparisonPlan.Full.Corpora.Select(d => d.Name))}, the explanation also tweets).",
            HelpName = "names",
        }.Checked(list => Options.Split(list).FirstOrDefault(n => !known.Contains(n)) is { } unknown
            ? $"--corpora: '{unknown}' is not a corpus of any study; choose from {string.Join(", ", known)}."
            : null);
        var jobs = Options.Jobs();
        var shard = Options.Shard();
        var runs = new Option<DirectoryInfo?>("--runs")
        {
            Description = "The run store: finished runs are kept here and not trained again. One grid trains in a store at a time (a second is refused while the first runs). " +
                          "Default: the checkout's notebooks/runs, the store notebooks 05–07 read, so `reproduce` then finds the study done.",
            HelpName = "dir",
        };
        var fresh = Options.Fresh();
        var import = new Option<DirectoryInfo[]>("--import")
        {
            Description = "First copy the finished runs of these stores (shards trained elsewhere) into the run store; every file is checked first, and a damaged one stops the import with nothing copied.",
            HelpName = "dir",
            AllowMultipleArgumentsPerToken = true,
        };
        var noTrain = new Option<bool>("--no-train")
        {
            Description = "Train nothing: gather the study from the store (the merge step after shards). Exits with 3, naming the stage and its missing runs, " +
                          "when the study needs another round of shards.",
        };
        var output = new Option<FileInfo?>("--out")
        {
            Description = "Write one row per run to this CSV, and beside it the learning curves, per-item test results, the learning-rate search and the second-best-rate runs, as notebook 05 does. Written only for a complete study.",
            HelpName = "file",
        };
        var searchOnly = new Option<bool>("--search-only") { Description = "Stop after the learning-rate search (the first phase of a sharded study)." };
        var dataDir = Options.DataDir();
        var offline = Options.NoDownload();

        var command = new Command("grid", """
            Run notebook 05's study: the learning-rate search (every pooling × candidate rate on the tuning seeds, extended
            while a winner sits at an edge), then every pooling × reported seed × corpus at its chosen rate, then the primary
            pair at its second-best rates. Runs already in the store are skipped, so an interrupted study resumes; --jobs
            spreads runs over worker processes and --shard i/n trains one deterministic slice of the current stage, for a job
            matrix: merge the shards' stores with --import --no-train, which exits with 3 while another round of shards is
            needed (.ci/examples/grid-rounds.sh is such a loop). The numbers do not depend on --jobs or --shard.
            """)
        {
            profile, studyName, corpora, jobs, shard, runs, fresh, import, noTrain, searchOnly, output, dataDir, offline,
        };
        command.SetAction(parse =>
        {
            var console = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var chosen = Enum.Parse<Profile>(parse.GetValue(profile)!, ignoreCase: true);
                var plan = parse.GetValue(studyName) == "explanation" ? ComparisonPlan.Explanation(chosen) : ComparisonPlan.For(chosen);
                if (parse.GetValue(corpora) is { } list)
                {
                    plan = plan.Only(Options.Split(list));
                }

                var storeFolder = parse.GetValue(runs)?.FullName ?? Path.Combine(Repository.Checkout("--runs"), "notebooks", "runs");
                var problem = Options.StoreProblem("--runs", storeFolder, parse.GetValue(fresh)) ?? Options.OutputProblem("--out", parse.GetValue(output))
                    ?? (parse.GetValue(import) ?? []).Where(d => !d.Exists).Select(d => $"--import: {d.FullName} does not exist.").FirstOrDefault();
                if (problem is not null)
                {
                    error.WriteLine("error: " + problem);
                    return 1;
                }

                var loaded = plan.Load(plan.CorpusOptions(Repository.DataFolder(parse.GetValue(dataDir)), !parse.GetValue(offline), m => error.WriteLine("note: " + m)),
                    parse.GetValue(corpora) is null ? (name, e) => error.WriteLine($"skipped: {name}: {e.Message.Split('\n')[0]}") : null);
                if (loaded.Count == 0)
                {
                    error.WriteLine("error: no corpus of the study could be loaded.");
                    return 1;
                }

                // Every import is read and checked before the store changes at all, so a damaged one leaves it as it was.
                var imports = (parse.GetValue(import) ?? []).Select(other => RunStore.CheckImport(new RunStore(other.FullName))).ToList();
                var store = new RunStore(storeFolder);
                if (parse.GetValue(fresh))
                {
                    store.Clear();
                }

                foreach (var other in imports)
                {
                    var (copied, present) = store.Import(other);
                    console.WriteLine($"imported {copied} runs from {other.Directory} ({present} were already in the store)");
                }

                var slice = parse.GetValue(shard) is { } s ? Shard.Parse(s) : null;
                var study = new ComparisonStudy(plan with { Corpora = [.. plan.Corpora.Where(d => loaded.Any(c => c.Design == d))] }, loaded)
                {
                    Store = store,
                    Executor = Options.Executor(parse.GetValue(jobs), plan.Settings.Threads),
                    Shard = slice,
                    TrainMissing = !parse.GetValue(noTrain),
                };
                console.WriteLine($"{plan.Profile.ToString().ToLowerInvariant()} study: {string.Join(", ", loaded.Select(c => c.Name))}; {plan.Poolings.Count} poolings; " +
                                  $"{(study.Executor is Workers.WorkerProcessExecutor w ? $"{w.Count} worker processes" : "this process")} × {plan.Settings.Threads} thread(s) per run" +
                                  $"{(slice is null ? "" : $"; shard {slice}")}; store {store.Directory}");
                var results = StudyProgress.Run(console, study, () => study.Run(parse.GetValue(searchOnly) ? StudyStage.Search : StudyStage.SecondBest),
                    Report.Run);
                if (results.Waiting is not null)
                {
                    console.WriteLine(results.Waiting);
                    return parse.GetValue(noTrain) ? WaitingExitCode : 0;
                }

                Report.Choices(console, results.Choices);
                if (parse.GetValue(searchOnly))
                {
                    return 0;
                }

                console.WriteLine();
                console.WriteLine(TextTables.Format(Statistics.Summary(results.Runs.Select(r => r.Score))));
                Report.Verdicts(console, Hypotheses.Test(plan, Results.Items(results.Runs), Results.Items(results.SecondBest)).Primary);
                if (parse.GetValue(output) is { } file)
                {
                    console.WriteLine($"wrote {string.Join(", ", results.Save(file.FullName))}");
                }

                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }
}

/// <summary>Lines that the study commands print about a finished study.</summary>
internal static class Report
{
    /// <summary>A finished run: validation in the search (its test split is never looked at there), test accuracy otherwise.</summary>
    public static string Run(StudyStage stage, RunSpec spec, RunResult run) =>
        $"{spec}: {(stage == StudyStage.Search ? $"best validation accuracy {run.History.Best.ValidationAccuracy:P2}" : $"test accuracy {run.Test.Accuracy:P2}")}, " +
        $"best epoch {run.History.BestEpoch} of {run.History.Epochs.Count}, {run.Seconds:F0} s";

    /// <summary>Each pooling's chosen learning rate per corpus, with the runner-up and the edge flag.</summary>
    public static void Choices(TextWriter console, IReadOnlyList<LearningRateChoice> choices)
    {
        foreach (var choice in choices)
        {
            console.WriteLine($"  {choice.Dataset} {choice.Pooling}: learning rate {RunSpec.Rate(choice.Chosen)}" +
                              (choice.SecondBest is { } second ? $" (second best {RunSpec.Rate(second)})" : "") +
                              (choice.AtEdge ? " — at the edge of the rates searched" : ""));
        }
    }

    /// <summary>The verdicts, one per line.</summary>
    public static void Verdicts(TextWriter console, IReadOnlyList<PairedComparison> comparisons)
    {
        if (comparisons.Count == 0)
        {
            return;
        }

        console.WriteLine();
        console.WriteLine($"{comparisons[0].Family} comparison{(comparisons.Count == 1 ? "" : "s")} (Holm over {comparisons[0].FamilySize}):");
        foreach (var c in comparisons)
        {
            console.WriteLine($"  {c.Dataset}: {c.Describe()}");
        }
    }
}
