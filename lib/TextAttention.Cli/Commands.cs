using System.CommandLine;
using System.Diagnostics;
using TextAttention.Cli.Notebooks;
using TextAttention.Data;
using TextAttention.IO;
using TextAttention.Plotting;
using TextAttention.Platform;
using TorchSharp;

namespace TextAttention.Cli;

/// <summary>The command tree of <c>TextAttention.Cli</c>; tests build it to check help and errors.</summary>
public static class Commands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            Attention pooling in BiLSTM text classifiers: the command-line front end of the TextAttention library.
            Run the notebooks headless, or repair TorchSharp's native library on old Linux systems.
            """);
        root.Subcommands.Add(Reproduce());
        root.Subcommands.Add(FixNative());
        root.Subcommands.Add(CorpusCommand());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(Results());
        return root;
    }

    private static Command Reproduce()
    {
        var profile = new Option<string>("--profile")
        {
            Description = "ci: small settings, minutes; full: the settings behind the published numbers.",
            DefaultValueFactory = _ => "ci",
        };
        profile.AcceptOnlyFromAmong("ci", "full");

        var output = new Option<DirectoryInfo>("--out")
        {
            HelpName = "dir",
            Description = "Folder for the executed notebooks and kernel logs. Default: notebooks/executed, which git ignores.",
        };

        var timeout = new Option<int>("--timeout-minutes")
        {
            HelpName = "minutes",
            Description = "Stop a notebook whose kernel runs longer than this.",
            DefaultValueFactory = _ => 20,
        };
        timeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--timeout-minutes must be at least 1.");
            }
        });

        var only = new Option<string[]>("--only")
        {
            HelpName = "prefix",
            Description = "Run only the notebooks whose file name starts with one of these (e.g. 00).",
            AllowMultipleArgumentsPerToken = true,
        };

        var writeBack = new Option<bool>("--write-back")
        {
            Description = "Also put the outputs of each notebook that ran cleanly back into notebooks/, cleaned for committing.",
        };

        var command = new Command("reproduce", "Build the library, then execute every notebook in notebooks/ headless with dotnet-repl, in order.")
        {
            profile, output, timeout, only, writeBack,
        };
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(profile) == "full" ? Profile.Full : Profile.Ci;
            var runner = new NotebookRunner(Session.RepositoryRoot(), chosen, TimeSpan.FromMinutes(parse.GetValue(timeout)));
            var prefixes = parse.GetValue(only) ?? [];
            var notebooks = runner.Notebooks()
                .Where(n => prefixes.Length == 0 || prefixes.Any(p => Path.GetFileName(n).StartsWith(p, StringComparison.Ordinal)))
                .ToList();
            if (notebooks.Count == 0)
            {
                Console.Error.WriteLine($"No notebook in {Path.Combine(runner.RepositoryRoot, "notebooks")} matches --only {string.Join(' ', prefixes)}.");
                return 1;
            }

            var outputDirectory = parse.GetValue(output)?.FullName ?? Path.Combine(runner.RepositoryRoot, "notebooks", "executed");
            var clock = Stopwatch.StartNew();
            Console.WriteLine("Preparing: dotnet tool restore, dotnet build (Release) ...");
            runner.Prepare(Console.Out);
            Console.WriteLine($"Prepared in {clock.Elapsed.TotalSeconds:F0} s. Profile: {chosen.ToString().ToLowerInvariant()}. Executed copies go to {outputDirectory}.");

            var runs = new List<NotebookRun>();
            foreach (var notebook in notebooks)
            {
                Console.WriteLine($"Running {Path.GetFileName(notebook)} ...");
                var run = runner.Run(notebook, outputDirectory);
                runs.Add(run);
                Console.WriteLine("  " + run.Describe());
                if (parse.GetValue(writeBack) && run.Succeeded)
                {
                    var merged = NotebookOutputs.Merge(File.ReadAllText(notebook), File.ReadAllText(run.ExecutedCopy));
                    AtomicFile.WriteAllText(notebook, merged);
                    foreach (var problem in NotebookOutputs.Problems(merged))
                    {
                        Console.WriteLine($"  warning: {Path.GetFileName(notebook)}: {problem}");
                    }

                    Console.WriteLine($"  outputs written back to {Path.GetRelativePath(runner.RepositoryRoot, notebook)}");
                }
            }

            Console.WriteLine();
            Console.WriteLine($"{"notebook",-40} {"result",-8} {"seconds",8}");
            foreach (var run in runs)
            {
                Console.WriteLine($"{Path.GetFileName(run.Notebook),-40} {(run.Succeeded ? "ok" : "FAILED"),-8} {run.Elapsed.TotalSeconds,8:F1}");
            }

            Console.WriteLine($"{runs.Count(r => r.Succeeded)} of {runs.Count} notebooks ran without a cell error; total {clock.Elapsed.TotalSeconds:F0} s.");
            var skipped = runs.SelectMany(r => r.Skipped.Select(line => $"  {Path.GetFileName(r.Notebook)}: {line}")).ToList();
            Console.WriteLine(skipped.Count == 0 ? "Nothing was skipped." : "Skipped (the notebooks ran on without these parts):");
            skipped.ForEach(Console.WriteLine);
            if (prefixes.Length == 0)
            {
                var timings = Path.Combine(runner.RepositoryRoot, "notebooks", "results", $"timings-{chosen.ToString().ToLowerInvariant()}.csv");
                NotebookTimings.Save(timings, runs, clock.Elapsed);
                Console.WriteLine($"Wall times written to {Path.GetRelativePath(runner.RepositoryRoot, timings)}.");
            }

            var comparison = Path.Combine(runner.RepositoryRoot, "notebooks", "results", "comparison-full.csv");
            if (parse.GetValue(writeBack) && chosen == Profile.Full && runs.All(r => r.Succeeded) && File.Exists(comparison))
            {
                foreach (var line in ResultsReport.Generate(Path.Combine(runner.RepositoryRoot, "README.md"), comparison))
                {
                    Console.WriteLine("README: " + line);
                }
            }

            return runs.All(r => r.Succeeded) ? 0 : 1;
        });
        return command;
    }

    private static Command CorpusCommand()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = $"{string.Join(", ", Corpora.Names)}, or the path of a labelled CSV/TSV file (header with 'text' and 'label').",
            DefaultValueFactory = _ => Corpora.Synthetic,
        };
        var dataDir = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = "Data folder holding agnews/ and thucnews/ (default: TEXTATTENTION_DATA, else data/).",
            HelpName = "dir",
        };
        var offline = new Option<bool>("--no-download") { Description = "Fail instead of downloading a missing corpus." };
        var command = new Command("corpus", "Load a corpus and print its splits, classes, lengths, vocabulary size and OOV rate.")
        {
            dataset, dataDir, offline,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var options = new CorpusOptions(parse.GetValue(dataDir)?.FullName, AllowDownload: !parse.GetValue(offline), Warn: m => error.WriteLine("note: " + m));
                var corpus = Corpora.Load(parse.GetValue(dataset)!, options);
                var statistics = CorpusStatistics.Compute(corpus);
                output.WriteLine(statistics);
                output.WriteLine(TextTables.Format(statistics.ClassTable()));
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command Results()
    {
        var csv = new Option<FileInfo>("--csv")
        {
            Description = "The comparison results (one row per run).",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(Session.RepositoryRoot(), "notebooks", "results", "comparison-full.csv")),
            HelpName = "file",
        };
        var readme = new Option<FileInfo>("--readme")
        {
            Description = "The README whose results section is rewritten.",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(Session.RepositoryRoot(), "README.md")),
            HelpName = "file",
        };
        var command = new Command("results", "Redraw the result figures and rewrite the README's results section from the comparison CSV that notebook 05 writes.") { csv, readme };
        command.SetAction(parse =>
        {
            try
            {
                foreach (var line in ResultsReport.Generate(parse.GetValue(readme)!.FullName, parse.GetValue(csv)!.FullName))
                {
                    parse.InvocationConfiguration.Output.WriteLine(line);
                }

                return 0;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or FormatException)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command FixNative()
    {
        var files = new Argument<FileInfo[]>("files")
        {
            Description = "More copies of libLibTorchSharp.so to patch (those this program loads are always included).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("fix-native", $"Mark libLibTorchSharp.so's requirement on {TorchSharpNativeFix.Version} weak, so TorchSharp loads on Debian 12 and Ubuntu 22.04. Builds do this already.")
        {
            files,
        };
        command.SetAction(parse =>
        {
            var targets = TorchSharpNativeFix.CopiesNear(typeof(torch).Assembly.Location, AppContext.BaseDirectory)
                .Concat((parse.GetValue(files) ?? []).Select(f => f.FullName));
            try
            {
                foreach (var line in TorchSharpNativeFix.Apply(targets))
                {
                    Console.WriteLine(line);
                }

                return 0;
            }
            catch (ElfFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
