using System.CommandLine;
using System.Diagnostics;
using TextAttention.Cli.Reproduce;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Notebooks;

namespace TextAttention.Cli;

/// <summary><c>reproduce</c>: build the library, execute every notebook headless in order, summarise, and optionally write outputs back.</summary>
internal static class ReproduceCommand
{
    private sealed record Request(Profile Profile, string OutputDirectory, TimeSpan Timeout, string[] Prefixes, bool WriteBack, int? Jobs, bool Fresh);

    public static Command Build()
    {
        var profile = new Option<string>("--profile")
        {
            Description = "ci: small settings, minutes; full: the settings and data behind the published numbers; official: the full settings on the corpora's official splits (hours; needs the large training files).",
            DefaultValueFactory = _ => "ci",
        };
        profile.AcceptOnlyFromAmong("ci", "full", "official");

        var output = new Option<DirectoryInfo>("--out")
        {
            HelpName = "dir",
            Description = "Folder for the executed notebooks and kernel logs. Default: notebooks/executed, which git ignores.",
        };

        var timeout = new Option<int>("--timeout-minutes")
        {
            HelpName = "minutes",
            Description = "Stop a notebook whose kernel runs longer than this (notebook 05 of the converged full profile took over an hour on two cores here; resumed runs are skipped).",
            DefaultValueFactory = _ => 180,
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

        var jobs = Options.Jobs();
        var fresh = new Option<bool>("--fresh")
        {
            Description = "Forget the finished runs in the notebooks' run store (notebooks/runs, or TEXTATTENTION_RUNS) and train them all again; only run files are deleted.",
        };

        var tidy = new Option<bool>("--tidy")
        {
            Description = "Run nothing: clean the outputs committed in notebooks/ again by the current rules (after they changed) and report what is still unfit to commit.",
        };

        var command = new Command("reproduce", "Build the library, then execute every notebook in notebooks/ headless with dotnet-repl, in order.")
        {
            profile, output, timeout, only, writeBack, jobs, fresh, tidy,
        };
        command.SetAction(parse =>
        {
            var root = Repository.Root();
            if (parse.GetValue(tidy))
            {
                return Tidy(root, parse.GetValue(only) ?? []);
            }

            var request = new Request(
                Enum.Parse<Profile>(parse.GetValue(profile)!, ignoreCase: true),
                parse.GetValue(output)?.FullName ?? Path.Combine(root, "notebooks", "executed"),
                TimeSpan.FromMinutes(parse.GetValue(timeout)),
                parse.GetValue(only) ?? [],
                parse.GetValue(writeBack),
                parse.GetValue(jobs),
                parse.GetValue(fresh));
            var runner = new NotebookRunner(root, request.Profile, request.Timeout, request.Jobs);
            if (request.Fresh)
            {
                new Experiments.RunStore(runner.RunsDirectory).Clear();
            }

            return Execute(runner, request);
        });
        return command;
    }

    private static int Tidy(string root, string[] prefixes)
    {
        var problems = 0;
        foreach (var notebook in Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)
                     .Where(n => prefixes.Length == 0 || prefixes.Any(p => Path.GetFileName(n).StartsWith(p, StringComparison.Ordinal))))
        {
            var committed = File.ReadAllText(notebook);
            var tidied = NotebookOutputs.Merge(committed, committed);
            if (tidied != committed)
            {
                AtomicFile.WriteAllText(notebook, tidied);
                Console.WriteLine($"{Path.GetFileName(notebook)}: outputs cleaned");
            }

            foreach (var problem in NotebookOutputs.Problems(tidied))
            {
                Console.WriteLine($"{Path.GetFileName(notebook)}: {problem}");
                problems++;
            }
        }

        return problems == 0 ? 0 : 1;
    }

    private static int Execute(NotebookRunner runner, Request request)
    {
        var notebooks = runner.Notebooks()
            .Where(n => request.Prefixes.Length == 0 || request.Prefixes.Any(p => Path.GetFileName(n).StartsWith(p, StringComparison.Ordinal)))
            .ToList();
        if (notebooks.Count == 0)
        {
            Console.Error.WriteLine($"No notebook in {Path.Combine(runner.RepositoryRoot, "notebooks")} matches --only {string.Join(' ', request.Prefixes)}.");
            return 1;
        }

        var clock = Stopwatch.StartNew();
        Console.WriteLine("Preparing: dotnet tool restore, dotnet build (Release) ...");
        runner.Prepare(Console.Out);
        Console.WriteLine($"Prepared in {clock.Elapsed.TotalSeconds:F0} s. Profile: {Name(request.Profile)}. Executed copies go to {request.OutputDirectory}.");

        var runs = notebooks.Select(notebook => RunOne(runner, notebook, request)).ToList();
        Summarise(runs, clock.Elapsed);
        if (request.Prefixes.Length == 0)
        {
            var timings = Path.Combine(runner.RepositoryRoot, "notebooks", "results", $"timings-{Name(request.Profile)}.csv");
            NotebookTimings.Save(timings, runs, clock.Elapsed);
            Console.WriteLine($"Wall times written to {Path.GetRelativePath(runner.RepositoryRoot, timings)}.");
        }

        var comparison = Path.Combine(runner.RepositoryRoot, "notebooks", "results", "comparison-full.csv");
        // The README's results come from notebook 05's comparison and notebook 07's summary: rewritten when one of them
        // ran, and only then.
        var comparisonRan = runs.Any(r => Path.GetFileName(r.Notebook) is var name && (name.StartsWith("05", StringComparison.Ordinal) || name.StartsWith("07", StringComparison.Ordinal)));
        if (request.WriteBack && request.Profile == Profile.Full && comparisonRan && runs.All(r => r.Succeeded) && File.Exists(comparison))
        {
            foreach (var line in ResultsReport.Generate(Path.Combine(runner.RepositoryRoot, "README.md"), comparison))
            {
                Console.WriteLine("README: " + line);
            }
        }

        return runs.All(r => r.Succeeded) ? 0 : 1;
    }

    private static NotebookRun RunOne(NotebookRunner runner, string notebook, Request request)
    {
        Console.WriteLine($"Running {Path.GetFileName(notebook)} ...");
        var run = runner.Run(notebook, request.OutputDirectory);
        Console.WriteLine("  " + run.Describe());
        if (request.WriteBack && run.Succeeded)
        {
            var merged = NotebookOutputs.Merge(File.ReadAllText(notebook), File.ReadAllText(run.ExecutedCopy));
            AtomicFile.WriteAllText(notebook, merged);
            foreach (var problem in NotebookOutputs.Problems(merged))
            {
                Console.WriteLine($"  warning: {Path.GetFileName(notebook)}: {problem}");
            }

            Console.WriteLine($"  outputs written back to {Path.GetRelativePath(runner.RepositoryRoot, notebook)}");
        }

        return run;
    }

    private static void Summarise(IReadOnlyList<NotebookRun> runs, TimeSpan total)
    {
        Console.WriteLine();
        Console.WriteLine($"{"notebook",-40} {"result",-8} {"seconds",8}");
        foreach (var run in runs)
        {
            Console.WriteLine($"{Path.GetFileName(run.Notebook),-40} {(run.Succeeded ? "ok" : "FAILED"),-8} {run.Elapsed.TotalSeconds,8:F1}");
        }

        Console.WriteLine($"{runs.Count(r => r.Succeeded)} of {runs.Count} notebooks ran without a cell error; total {total.TotalSeconds:F0} s.");
        var skipped = runs.SelectMany(r => r.Skipped.Select(line => $"  {Path.GetFileName(r.Notebook)}: {line}")).ToList();
        Console.WriteLine(skipped.Count == 0 ? "Nothing was skipped." : "Skipped (the notebooks ran on without these parts):");
        skipped.ForEach(Console.WriteLine);
    }

    private static string Name(Profile profile) => profile.ToString().ToLowerInvariant();
}
