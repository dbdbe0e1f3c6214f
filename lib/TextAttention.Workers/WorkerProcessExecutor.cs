using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using TextAttention.Experiments;

namespace TextAttention.Workers;

/// <summary>
/// Trains runs in <see cref="Count"/> worker processes, each running this project's program on a shared job file and
/// training one run at a time with the run's own threads, so the numbers do not depend on how many workers there are.
/// Events come back on each worker's standard output and reach the listener on the calling thread; finished runs are
/// read back from the store (a temporary one when the grid keeps none). If a listener throws, or the caller is
/// stopped, the workers are killed; runs they finished stay stored.
/// </summary>
/// <param name="count">Worker processes, at least 2 (one worker is the in-process executor's job).</param>
/// <param name="program">
/// The worker program to run: this project's assembly in a folder that also holds its dependencies (the command-line
/// tool's, or this project's own build output); by default the assembly this class was loaded from.
/// </param>
public sealed class WorkerProcessExecutor(int count, string? program = null) : IRunExecutor
{
    public int Count { get; } = count >= 2 ? count : throw new ArgumentOutOfRangeException(nameof(count), count, "a worker pool needs at least 2 workers; train in process otherwise.");

    /// <summary>The worker program's assembly.</summary>
    public string Program { get; } = Path.GetFullPath(program ?? typeof(Worker).Assembly.Location);

    /// <summary>
    /// Whether <paramref name="program"/> can run as a worker: it exists, and its folder holds TorchSharp (a class
    /// library's build output does not copy its packages, so a copy of this assembly there cannot run on its own).
    /// </summary>
    public static bool CanRun(string program) =>
        File.Exists(program) && File.Exists(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(program))!, "TorchSharp.dll"));

    /// <summary>The worker process for a job file, run with the same <c>dotnet</c> as this process.</summary>
    public ProcessStartInfo Command(string job)
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        return new ProcessStartInfo(host, [Program, "--job", job]);
    }

    public void Execute(IReadOnlyList<RunSpec> runs, RunInputs inputs, IRunListener listener)
    {
        if (runs.Count == 0)
        {
            return;
        }

        if (!CanRun(Program))
        {
            throw new InvalidOperationException($"the worker program {Program} cannot run: it is missing, or its folder lacks TorchSharp.dll (build lib/TextAttention.Workers, or train in process).");
        }

        if (runs.Count == 1)
        {
            new InProcessExecutor().Execute(runs, inputs, listener);   // no process is worth starting for one run
            return;
        }

        var temporary = inputs.Store is null;
        var store = inputs.Store ?? new RunStore(Path.Combine(Path.GetTempPath(), $"textattention-runs-{Guid.NewGuid():N}"));
        var corpora = runs.Select(r => r.Data).Distinct().Select(data =>
        {
            var corpus = inputs.Data.Corpus(runs.First(r => r.Data == data));
            return new JobCorpus(corpus.Recipe ?? throw new ArgumentException($"{corpus.Name} has no recipe (it was not made by Corpora.Load), so a worker cannot load it."),
                corpus.Name, corpus.Fingerprint);
        }).ToList();
        var job = new GridJob(corpora, runs, store.Directory, inputs.SaveModels);
        Directory.CreateDirectory(store.Directory);
        var jobPath = Path.Combine(store.Directory, $"grid-{Guid.NewGuid():N}.job");
        job.Save(jobPath);

        var lines = new BlockingCollection<string?>();
        var errors = new List<StringBuilder>();
        var processes = new List<Process>();
        var finished = new HashSet<int>();
        try
        {
            for (var w = 0; w < Math.Min(Count, runs.Count); w++)
            {
                var info = Command(jobPath);
                info.UseShellExecute = false;
                info.RedirectStandardOutput = info.RedirectStandardError = info.RedirectStandardInput = true;
                var process = new Process { StartInfo = info };
                var error = new StringBuilder();
                errors.Add(error);
                process.OutputDataReceived += (_, e) => lines.Add(e.Data);
                process.ErrorDataReceived += (_, e) =>
                {
                    lock (error)
                    {
                        error.AppendLine(e.Data);
                    }
                };
                process.Start();
                processes.Add(process);
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
            }

            var open = processes.Count;
            foreach (var line in lines.GetConsumingEnumerable())
            {
                if (line is null)
                {
                    if (--open == 0)
                    {
                        break;
                    }

                    continue;
                }

                if (WorkerEvent.Parse(line) is not { } message || message.Run < 0 || message.Run >= runs.Count)
                {
                    continue;
                }

                var run = runs[message.Run];
                switch (message.Kind)
                {
                    case WorkerEventKind.Starting:
                        listener.Starting(run);
                        break;
                    case WorkerEventKind.Batch when message.Batch is not null:
                        listener.Batch(run, message.Batch);
                        break;
                    case WorkerEventKind.Epoch when message.Epoch is not null:
                        listener.Epoch(run, message.Epoch);
                        break;
                    case WorkerEventKind.Finished:
                        var result = store.TryLoad(run) ?? throw new InvalidOperationException($"a worker reported {run} finished, but {store.Directory} does not hold it.");
                        finished.Add(message.Run);
                        listener.Finished(run, result);
                        break;
                }
            }

            foreach (var process in processes)
            {
                process.WaitForExit();
            }

            var missing = Enumerable.Range(0, runs.Count).Where(i => !finished.Contains(i)).Select(i => runs[i]).ToList();
            if (missing.Count > 0)
            {
                var failures = processes.Select((p, i) => (p.ExitCode, Text: errors[i].ToString().Trim())).Where(f => f.ExitCode != 0 || f.Text.Length > 0)
                    .Select(f => $"a worker exited with {f.ExitCode}: {Tail(f.Text)}").Distinct().ToList();
                throw new InvalidOperationException(
                    $"{missing.Count} runs did not finish ({string.Join("; ", missing.Take(10))}{(missing.Count > 10 ? "; …" : "")}). " +
                    (failures.Count > 0 ? string.Join(" ", failures) : "The workers exited without an error; were they killed?"));
            }
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit();
                }

                process.Dispose();
            }

            File.Delete(jobPath);
            store.ReleaseClaims();
            if (temporary && Directory.Exists(store.Directory))
            {
                Directory.Delete(store.Directory, recursive: true);
            }
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
