using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Workers;

namespace TextAttention.Cli;

/// <summary>
/// The options that several commands share, declared once, and the checks every option gets: a value that does not
/// parse, or is out of range, is one line on standard error through the parser's own error path, never an exception.
/// </summary>
internal static class Options
{
    /// <summary><c>--dataset</c>: a corpus of the catalogue or a labelled file.</summary>
    public static Option<string> Dataset() => new Option<string>("--dataset")
    {
        Description = $"{string.Join(", ", Corpora.Names)}, or the path of a labelled CSV/TSV file (header with 'text' and 'label').",
        DefaultValueFactory = _ => Corpora.Synthetic,
    }.Checked(name => Corpora.Names.Contains(name) || File.Exists(name) ? null
        : Directory.Exists(name) ? $"--dataset: {Path.GetFullPath(name)} is a folder; give a corpus name ({string.Join(", ", Corpora.Names)}) or a labelled file."
        : $"--dataset: '{name}' is neither a corpus ({string.Join(", ", Corpora.Names)}) nor an existing file.");

    /// <summary><c>--data-dir</c>.</summary>
    public static Option<DirectoryInfo?> DataDir() => new("--data-dir")
    {
        Description = $"Data folder holding the corpora's folders (agnews/, thucnews/, tweets/); default: {Repository.DataVariable}, else the checkout's data/.",
        HelpName = "dir",
    };

    /// <summary><c>--no-download</c>.</summary>
    public static Option<bool> NoDownload() => new("--no-download") { Description = "Fail instead of downloading a missing corpus." };

    /// <summary><c>--data</c>: which files make up a real corpus (<see cref="CorpusDefinition"/>).</summary>
    public static Option<CorpusDefinition> Definition() => new("--data")
    {
        Description = "published: the files behind the published numbers, checked against their SHA-256 (AG News test.csv; THUCNews dev.txt and test.txt; the tweets file); " +
                      "official: the official splits with the large training files; available: whatever the data folder holds.",
        DefaultValueFactory = _ => CorpusDefinition.Published,
        HelpName = "published|official|available",
    };

    /// <summary><c>--jobs</c>: worker processes; the default fills the cores with runs of the given threads.</summary>
    public static Option<int?> Jobs() => new Option<int?>("--jobs")
    {
        Description = "Worker processes, each training one run at a time with the run's fixed threads (default: cores ÷ threads per run). Results do not depend on it.",
        HelpName = "n",
    }.Checked(jobs => jobs is < 1 or > 256 ? "--jobs must be a whole number from 1 to 256." : null);

    /// <summary><c>--shard i/n</c>.</summary>
    public static Option<string?> Shard() => new Option<string?>("--shard")
    {
        Description = "Train only slice i of n of each stage (runs i, i+n, i+2n, … in order), for a job matrix; merge the stores with --import, then run again to go on.",
        HelpName = "i/n",
    }.Checked(text =>
    {
        try
        {
            _ = text is null ? null : Experiments.Shard.Parse(text);
            return null;
        }
        catch (ArgumentException e)
        {
            return "--shard: " + e.Message;
        }
    });

    /// <summary><c>--fresh</c>.</summary>
    public static Option<bool> Fresh() => new("--fresh")
    {
        Description = "Forget the runs in the run store first (only the store's own files are deleted; a folder holding anything else is refused).",
    };

    /// <summary>A whole-number option from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int> Whole(string name, string description, int defaultValue, int min = 1, int max = 100_000) =>
        new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue }
            .Checked(value => value < min || value > max ? $"{name} must be a whole number from {min} to {max:N0}." : null);

    /// <summary>
    /// Adds a check to <paramref name="option"/>: <paramref name="problem"/> returns the error for a value, or null. A value
    /// that does not even parse is left to the parser, which reports it in one line.
    /// </summary>
    public static Option<T> Checked<T>(this Option<T> option, Func<T, string?> problem)
    {
        option.Validators.Add(result =>
        {
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;   // a conversion error; the parser reports it ("Cannot parse argument …")
            }

            if (problem(value) is { } message)
            {
                result.AddError(message);
            }
        });
        return option;
    }

    /// <summary>A comma-separated list.</summary>
    public static List<string> Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    /// <summary>A comma-separated list of distinct whole numbers, or the problem with it.</summary>
    public static (List<int> Seeds, string? Problem) Seeds(string name, string? list)
    {
        var parts = Split(list);
        var seeds = new List<int>();
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) || seed < 0)
            {
                return (seeds, $"{name}: '{part}' is not a whole number from 0; write a comma-separated list such as 1,2,3.");
            }

            if (seeds.Contains(seed))
            {
                return (seeds, $"{name}: seed {seed} is listed twice; each seed trains one run per pooling.");
            }

            seeds.Add(seed);
        }

        return seeds.Count == 0 ? (seeds, $"{name} needs at least one seed, for example 1,2,3.") : (seeds, null);
    }

    /// <summary>How commands load corpora: the data folder, downloading unless switched off, notes to standard error.</summary>
    public static CorpusOptions CorpusOptions(ParseResult parse, Option<DirectoryInfo?> dataDir, Option<bool> noDownload, CorpusDefinition definition, TextWriter error) =>
        new(Repository.DataFolder(parse.GetValue(dataDir)), AllowDownload: !parse.GetValue(noDownload), Warn: m => error.WriteLine("note: " + m), Definition: definition);

    /// <summary>Worker processes for <paramref name="jobs"/> (default: cores ÷ threads per run), or this process for one.</summary>
    public static IRunExecutor Executor(int? jobs, int threadsPerRun)
    {
        var count = jobs ?? Math.Max(1, Environment.ProcessorCount / threadsPerRun);
        return count > 1 ? new WorkerProcessExecutor(count) : new InProcessExecutor();
    }

    /// <summary>The problem with an output file given to <paramref name="option"/>, or null (<see cref="Writable.FileProblem"/>).</summary>
    public static string? OutputProblem(string option, FileInfo? file) =>
        file is null ? null : Writable.FileProblem(file.FullName) is { } problem ? $"{option}: {problem}." : null;

    /// <summary>The problem with an output folder given to <paramref name="option"/>, or null (<see cref="Writable.Problem"/>).</summary>
    public static string? FolderProblem(string option, DirectoryInfo? folder) =>
        folder is null ? null : Writable.Problem(folder.FullName) is { } problem ? $"{option}: {problem}." : null;

    /// <summary>The problem with a run store given to <paramref name="option"/> (writable; when it will be cleared, holding only runs), or null.</summary>
    public static string? StoreProblem(string option, string folder, bool fresh)
    {
        if (FolderProblem(option, new DirectoryInfo(folder)) is { } problem)
        {
            return problem;
        }

        return fresh && !RunStore.IsStoreFolder(folder, out var foreign)
            ? $"{option}: {folder} holds files that are not runs ({string.Join(", ", foreign.Take(3).Select(f => Path.GetRelativePath(folder, f)))}{(foreign.Count > 3 ? ", …" : "")}), so --fresh will not clear it; give a folder that holds only runs."
            : null;
    }
}
