using System.Diagnostics;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using TextAttention.Experiments;
using TextAttention.IO;
using TextAttention.Notebooks;

namespace TextAttention.Cli.Reproduce;

/// <summary>An error output of one cell of an executed notebook.</summary>
/// <param name="Cell">The cell's 1-based position among all cells of the notebook.</param>
/// <param name="FirstLine">The cell's first non-blank source line, to recognise it by.</param>
public sealed record CellError(int Cell, string FirstLine, string ErrorName, string ErrorValue)
{
    public override string ToString() => $"cell {Cell} ({FirstLine}): {ErrorName}: {ErrorValue}".TrimEnd(' ', ':');
}

/// <summary>The outcome of running one notebook headless.</summary>
/// <param name="Skipped">The notebook's own reports of parts it skipped (lines that begin with <see cref="Session.SkippedPrefix"/>), without the prefix.</param>
public sealed record NotebookRun(
    string Notebook,
    string ExecutedCopy,
    string Log,
    int? ExitCode,
    bool TimedOut,
    TimeSpan Elapsed,
    IReadOnlyList<CellError> Errors,
    IReadOnlyList<string> Skipped)
{
    public bool Succeeded => !TimedOut && ExitCode == 0 && Errors.Count == 0;

    /// <summary>One line that names the notebook and what went wrong, or that it passed.</summary>
    public string Describe()
    {
        var name = Path.GetFileName(Notebook);
        if (TimedOut)
        {
            return $"{name}: the kernel did not finish within {Elapsed.TotalSeconds:F0} s and was stopped (log: {Log})";
        }

        if (Errors.Count > 0)
        {
            return $"{name}: {string.Join("; ", Errors)}";
        }

        return ExitCode switch
        {
            0 => $"{name}: ran without a cell error in {Elapsed.TotalSeconds:F1} s",
            2 => $"{name}: dotnet-repl reported a cell error but the executed copy shows none (log: {Log})",
            _ => $"{name}: dotnet-repl exited with code {ExitCode} (log: {Log})",
        };
    }
}

/// <summary>
/// Runs Polyglot notebooks headless with the dotnet-repl pinned in <c>.config/dotnet-tools.json</c>,
/// in the notebook's own folder (as VS Code does), under a timeout, and reads each cell's errors
/// back from the executed copy.
/// </summary>
/// <param name="jobs">Worker processes for the notebooks' studies (<c>TEXTATTENTION_JOBS</c>); null lets the session choose.</param>
/// <param name="runs">The run store the kernels use; null: <c>TEXTATTENTION_RUNS</c> when set, else <c>notebooks/runs</c> (git ignores it).</param>
/// <param name="outputs">Where the notebooks write results files and figures (<c>TEXTATTENTION_OUTPUT</c>); null: the notebooks' folder.</param>
public sealed class NotebookRunner(string repositoryRoot, Profile profile, TimeSpan timeout, int? jobs = null, string? runs = null, string? outputs = null)
{
    /// <summary>The run store the kernels use, so that notebook 05's runs are there for 06 and 07 and an interrupted notebook resumes.</summary>
    public string RunsDirectory { get; } = runs is not null ? Path.GetFullPath(runs)
        : Environment.GetEnvironmentVariable(Session.RunsVariable) is { Length: > 0 } variable ? Path.GetFullPath(variable)
        : Path.Combine(Path.GetFullPath(repositoryRoot), "notebooks", "runs");

    /// <summary>Where <c>notebooks/setup.dib</c> expects the library; it builds it unless this is set.</summary>
    public const string SkipBuildVariable = "TEXTATTENTION_SKIP_BUILD";

    /// <summary>Asks <c>Show(chart)</c> in <c>notebooks/setup.dib</c> for a PNG copy of each chart, for GitHub readers.</summary>
    public const string StaticChartsVariable = "TEXTATTENTION_STATIC_CHARTS";

    public string RepositoryRoot { get; } = Path.GetFullPath(repositoryRoot);

    /// <summary>The numbered notebooks under <c>notebooks/</c>, in reading order.</summary>
    public IReadOnlyList<string> Notebooks() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot, "notebooks"), "*.ipynb")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Installs the pinned tools and builds what the notebooks <c>#r</c> (the library and its notebook support, in Release),
    /// so that a fresh clone can run them. Throws with the command's output when a step fails.
    /// </summary>
    public void Prepare(TextWriter log)
    {
        RunStep(log, "dotnet", ["tool", "restore"]);
        RunStep(log, "dotnet", ["build", Path.Combine("lib", "TextAttention.Notebooks", "TextAttention.Notebooks.csproj"), "-c", "Release", "--nologo", "-v", "quiet"]);
    }

    /// <summary>Executes <paramref name="notebook"/> and writes the executed copy and the kernel's log into <paramref name="outputDirectory"/>.</summary>
    public NotebookRun Run(string notebook, string outputDirectory)
    {
        notebook = Path.GetFullPath(notebook);
        Directory.CreateDirectory(outputDirectory);
        var stem = Path.GetFileNameWithoutExtension(notebook);
        var executed = Path.GetFullPath(Path.Combine(outputDirectory, stem + ".ipynb"));
        var log = Path.GetFullPath(Path.Combine(outputDirectory, stem + ".log"));
        var partial = executed + ".partial";
        File.Delete(partial);

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(notebook)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "tool", "run", "dotnet-repl", "--", "--run", notebook, "--exit-after-run", "--output-format", "ipynb", "--output-path", partial })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[Session.ProfileVariable] = profile.ToString().ToLowerInvariant();
        start.Environment[SkipBuildVariable] = "1";
        start.Environment[StaticChartsVariable] = "1";
        start.Environment[Session.RunsVariable] = RunsDirectory;
        if (outputs is not null)
        {
            start.Environment[Session.OutputVariable] = Path.GetFullPath(outputs);
        }
        if (jobs is { } count)
        {
            start.Environment[Session.JobsVariable] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["NO_COLOR"] = "1";

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var finished = process.WaitForExit(timeout);
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        clock.Stop();
        AtomicFile.WriteAllText(log, $"$ dotnet {string.Join(' ', start.ArgumentList)}\n(in {start.WorkingDirectory})\n\n--- stdout\n{stdout.Result}\n--- stderr\n{stderr.Result}");

        IReadOnlyList<CellError> errors = [];
        IReadOnlyList<string> skipped = [];
        if (File.Exists(partial))
        {
            errors = ReadErrors(partial);
            skipped = ReadSkipped(partial);
            File.Move(partial, executed, overwrite: true);
        }

        return new NotebookRun(notebook, executed, log, finished ? process.ExitCode : null, !finished, clock.Elapsed, errors, skipped);
    }

    /// <summary>Every error output in an executed notebook, with the cell it belongs to.</summary>
    public static IReadOnlyList<CellError> ReadErrors(string executedNotebook)
    {
        var document = Notebook.Parse(File.ReadAllText(executedNotebook), KernelInfos());
        var errors = new List<CellError>();
        for (var i = 0; i < document.Elements.Count; i++)
        {
            var cell = document.Elements[i];
            foreach (var error in cell.Outputs.OfType<ErrorElement>())
            {
                var firstLine = cell.Contents.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
                errors.Add(new CellError(i + 1, firstLine, error.ErrorName ?? "", error.ErrorValue ?? ""));
            }
        }

        return errors;
    }

    /// <summary>What an executed notebook reported skipping: its text output lines that begin with <see cref="Session.SkippedPrefix"/>.</summary>
    public static IReadOnlyList<string> ReadSkipped(string executedNotebook)
    {
        var document = Notebook.Parse(File.ReadAllText(executedNotebook), KernelInfos());
        return document.Elements
            .SelectMany(cell => cell.Outputs.OfType<TextElement>())
            .SelectMany(text => text.Text.Split('\n'))
            .Select(line => line.TrimEnd('\r'))
            .Where(line => line.StartsWith(Session.SkippedPrefix, StringComparison.Ordinal))
            .Select(line => line[Session.SkippedPrefix.Length..])
            .Distinct()
            .ToList();
    }

    /// <summary>The kernels our notebooks use, for <see cref="Notebook.Parse"/>.</summary>
    public static KernelInfoCollection KernelInfos() =>
    [
        new KernelInfo("csharp", "C#", ["c#", "C#"]),
        new KernelInfo("markdown", "Markdown", ["md"]),
    ];

    private void RunStep(TextWriter log, string command, string[] arguments)
    {
        var start = new ProcessStartInfo(command) { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        log.WriteLine($"$ {command} {string.Join(' ', arguments)}");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {command}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{command} {string.Join(' ', arguments)}' failed with exit code {process.ExitCode}:\n{stdout.Result}{stderr.Result}");
        }
    }
}
