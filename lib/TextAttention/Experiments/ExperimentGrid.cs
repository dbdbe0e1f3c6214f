using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using TextAttention.Data;
using TextAttention.Training;
using TorchSharp;

namespace TextAttention.Experiments;

/// <summary>Which run of a grid is under way: its place in the grid and what it trains.</summary>
/// <param name="Number">1-based position among the runs this grid (or shard) does.</param>
/// <param name="Count">Runs this grid (or shard) does.</param>
public sealed record RunKey(int Number, int Count, string Dataset, string Pooling, int Seed)
{
    /// <summary>The learning rate, when the grid varies it (<see cref="ExperimentGrid.LearningRates"/>); null otherwise.</summary>
    public double? LearningRate { get; init; }

    public override string ToString() => $"{Dataset} {Pooling} seed {Seed}" + (LearningRate is { } rate ? $" lr {rate.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}" : "");
}

/// <summary>A deterministic slice of a grid: runs 1-based <see cref="Index"/>, Index + Count, … in grid order.</summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>Parses <c>i/n</c>.</summary>
    /// <exception cref="ArgumentException">Not of the form i/n with 1 ≤ i ≤ n.</exception>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        return parts.Length == 2 && int.TryParse(parts[0], out var index) && int.TryParse(parts[1], out var count) && count >= 1 && index >= 1 && index <= count
            ? new Shard(index, count)
            : throw new ArgumentException($"'{text}' is not a shard; write i/n with 1 ≤ i ≤ n, for example 2/4.");
    }

    /// <summary>Whether the run at 0-based grid position <paramref name="position"/> belongs to this shard.</summary>
    public bool Contains(int position) => position % Count == Index - 1;

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>
/// How to start one worker process for a parallel grid: <paramref name="Command"/> turns the path of a
/// <see cref="GridJob"/> file into a process that runs <see cref="GridWorker.Run"/> on it and prints its events.
/// </summary>
/// <param name="Count">Worker processes; each trains one run at a time with the settings' threads.</param>
public sealed record GridWorkers(int Count, Func<string, ProcessStartInfo> Command)
{
    /// <summary>Workers that run <c>dotnet PROGRAM grid-worker --job FILE</c>: the command-line tool's hidden worker command.</summary>
    public static GridWorkers Dotnet(int count, string program) => new(count, job =>
    {
        var host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
        return new ProcessStartInfo(host, [program, "grid-worker", "--job", job]);
    });
}

/// <summary>
/// The one owner of the corpus × pooling × seed loop. It knows nothing of who is watching: the command
/// line, the notebooks and the tests subscribe to its hooks (in the spirit of minGPT's trainer callbacks)
/// to show progress, evaluate or save a model while it is still in memory, or collect results.
/// With a <see cref="Store"/> it skips runs that are already done and saves each run as it ends, so an
/// interrupted grid resumes; with <see cref="Workers"/> it spreads the runs over processes; with a
/// <see cref="Shard"/> it does only its slice. None of these changes a single number: every run is seeded and
/// threaded the same way wherever it trains, and results come back in grid order.
/// </summary>
public sealed class ExperimentGrid
{
    /// <param name="poolings">Names from <see cref="Attention.Poolings.Names"/>.</param>
    /// <param name="seeds">One run per seed; runs with the same seed are paired in the statistics.</param>
    /// <param name="settings">Model, batching and training settings shared by every run.</param>
    public ExperimentGrid(IReadOnlyList<string> poolings, IReadOnlyList<int> seeds, RunSettings settings)
    {
        if (poolings.Count == 0 || seeds.Count == 0)
        {
            throw new ArgumentException("a grid needs at least one pooling and one seed.");
        }

        var unknown = poolings.Where(p => !Attention.Poolings.Names.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"not a pooling: {string.Join(", ", unknown)}; choose from {string.Join(", ", Attention.Poolings.Names)}.");
        }

        Poolings = poolings;
        Seeds = seeds;
        Settings = settings;
    }

    public IReadOnlyList<string> Poolings { get; }

    public IReadOnlyList<int> Seeds { get; }

    public RunSettings Settings { get; }

    /// <summary>A run is about to start.</summary>
    public event Action<RunKey>? RunStarting;

    /// <summary>A training batch of a run has finished.</summary>
    public event Action<RunKey, BatchProgress>? BatchFinished;

    /// <summary>An epoch of a run has finished (validation figures included).</summary>
    public event Action<RunKey, EpochRecord>? EpochFinished;

    /// <summary>
    /// A run has finished. When it trained in this process its model is still in memory during this call (to
    /// evaluate on more data or save a checkpoint); afterwards the grid releases it unless <see cref="KeepModels"/>
    /// is set. A run trained by a worker process arrives without its model.
    /// </summary>
    public event Action<RunKey, RunResult>? RunFinished;

    /// <summary>A run was found finished in the <see cref="Store"/> and was not trained again (no model).</summary>
    public event Action<RunKey, RunResult>? RunRestored;

    /// <summary>Keep every trained model in the results (memory grows with the grid); false releases them. Needs in-process training.</summary>
    public bool KeepModels { get; init; }

    /// <summary>
    /// Store each run's trained weights beside its figures (needs a <see cref="Store"/>), so that later work can
    /// reload the models (<see cref="LoadModel"/>); a stored run without weights is trained again.
    /// </summary>
    public bool SaveModels { get; init; }

    /// <summary>Where finished runs are kept; runs found there are not trained again. Null keeps nothing.</summary>
    public RunStore? Store { get; init; }

    /// <summary>Worker processes to train in; null (or one worker) trains in this process.</summary>
    public GridWorkers? Workers { get; init; }

    /// <summary>Only this slice of the grid; null does all of it.</summary>
    public Shard? Shard { get; init; }

    /// <summary>
    /// False turns the grid into a gatherer: every run must already be in the <see cref="Store"/> (shards merged
    /// from several machines), and a missing one is an error that lists them all.
    /// </summary>
    public bool TrainMissing { get; init; } = true;

    /// <summary>
    /// The learning rates to train each (dataset, pooling) with, as one more dimension of the grid (corpus × pooling ×
    /// learning rate × seed): several for a learning-rate search, one chosen value per pooling for the comparison.
    /// Null trains everything with the settings' rate.
    /// </summary>
    public Func<string, string, IReadOnlyList<double>>? LearningRates { get; init; }

    /// <summary>The same grid (poolings, seeds, settings, learning rates) run another way: with a store, workers or a shard.</summary>
    public ExperimentGrid With(RunStore? store, GridWorkers? workers, Shard? shard = null, bool? trainMissing = null) =>
        new(Poolings, Seeds, Settings) { LearningRates = LearningRates, KeepModels = KeepModels, SaveModels = SaveModels, TrainMissing = trainMissing ?? TrainMissing, Store = store, Workers = workers, Shard = shard };

    /// <summary>The settings of a run with learning rate <paramref name="rate"/>.</summary>
    public RunSettings SettingsFor(double rate) => Settings.WithLearningRate(rate);

    /// <summary>The trained model of one of this grid's runs on <paramref name="data"/>, read back from the <see cref="Store"/> (see <see cref="SaveModels"/>).</summary>
    /// <exception cref="InvalidOperationException">The grid has no store.</exception>
    /// <exception cref="FileNotFoundException">The run's weights were not stored.</exception>
    public Models.BiLstmClassifier LoadModel(RunResult run, PreparedCorpus data)
    {
        var store = Store ?? throw new InvalidOperationException("this grid has no store to load models from.");
        return store.LoadModel(run, SettingsFor(run.LearningRate), Experiment.Config(data, run.Pooling, Settings));
    }

    /// <summary>Trains every (pooling, seed) on each corpus, corpus by corpus, preparing each corpus once.</summary>
    public List<RunResult> Run(IReadOnlyList<Corpus> corpora) => Run(corpora.Select(c => new Lazy<PreparedCorpus>(() => Experiment.Prepare(c, Settings))).ToList(),
        corpora);

    /// <summary>Trains every (pooling, seed) on each prepared corpus.</summary>
    public List<RunResult> Run(IReadOnlyList<PreparedCorpus> corpora) => Run(corpora.Select(c => new Lazy<PreparedCorpus>(c)).ToList(),
        corpora.Select(c => c.Corpus).ToList());

    private sealed record Planned(RunKey Key, int Corpus, string Pooling, int Seed, int Slot, RunSettings Settings);

    private List<RunResult> Run(IReadOnlyList<Lazy<PreparedCorpus>> prepared, IReadOnlyList<Corpus> corpora)
    {
        if (KeepModels && (Store is not null || Workers is { Count: > 1 }))
        {
            throw new ArgumentException("KeepModels needs every run trained in this process: leave Store and Workers unset.");
        }

        if (SaveModels && Store is null)
        {
            throw new ArgumentException("SaveModels needs a Store to save the weights in.");
        }

        var order = new List<(int Corpus, string Pooling, double Rate, int Seed)>();
        for (var c = 0; c < corpora.Count; c++)
        {
            foreach (var pooling in Poolings)
            {
                foreach (var rate in LearningRates?.Invoke(corpora[c].Name, pooling) ?? [Settings.TrainingOrDefault.LearningRate])
                {
                    order.AddRange(Seeds.Select(seed => (c, pooling, rate, seed)));
                }
            }
        }

        var mine = order.Where((_, position) => Shard is null || Shard.Contains(position)).ToList();
        var planned = mine.Select((r, slot) => new Planned(
            new RunKey(slot + 1, mine.Count, corpora[r.Corpus].Name, r.Pooling, r.Seed) { LearningRate = LearningRates is null ? null : r.Rate },
            r.Corpus, r.Pooling, r.Seed, slot, SettingsFor(r.Rate))).ToList();
        var results = new RunResult?[planned.Count];
        foreach (var run in planned)
        {
            var corpus = corpora[run.Corpus];
            if (Store?.TryLoad(corpus.Name, corpus.Fingerprint, run.Pooling, run.Seed, run.Settings) is { } stored
                && (!SaveModels || Store.HasModel(corpus.Name, corpus.Fingerprint, run.Pooling, run.Seed, run.Settings)))
            {
                results[run.Slot] = stored;
                RunRestored?.Invoke(run.Key, stored);
            }
        }

        var pending = planned.Where(r => results[r.Slot] is null).ToList();
        if (pending.Count > 0 && !TrainMissing)
        {
            throw new InvalidOperationException(
                $"{pending.Count} of {planned.Count} runs are not in {Store?.Directory ?? "the store"}: {string.Join("; ", pending.Select(r => r.Key))}.");
        }

        if (Workers is { Count: > 1 } && pending.Count > 1)
        {
            RunInWorkers(pending, corpora, results);
        }
        else
        {
            RunHere(pending, prepared, results);
        }

        return [.. results.Select(r => r!)];
    }

    private void RunHere(List<Planned> pending, IReadOnlyList<Lazy<PreparedCorpus>> prepared, RunResult?[] results)
    {
        var threads = torch.get_num_threads();
        try
        {
            torch.set_num_threads(Settings.Threads);
            foreach (var run in pending)
            {
                var key = run.Key;
                RunStarting?.Invoke(key);
                var result = Experiment.Run(prepared[run.Corpus].Value, run.Pooling, run.Seed, run.Settings,
                    BatchFinished is null ? null : progress => BatchFinished(key, progress),
                    EpochFinished is null ? null : epoch => EpochFinished(key, epoch));
                if (SaveModels)
                {
                    Store!.SaveModel(result, run.Settings);
                }

                Store?.Save(result, run.Settings);
                RunFinished?.Invoke(key, result);
                results[run.Slot] = KeepModels ? result : result.ReleaseModel();
            }
        }
        finally
        {
            torch.set_num_threads(threads);
        }
    }

    /// <summary>
    /// Writes a job, starts the workers, and turns their event lines into this grid's events on the calling
    /// thread. If a handler throws, or the caller is stopped, the workers are killed; runs they finished stay stored.
    /// </summary>
    private void RunInWorkers(List<Planned> pending, IReadOnlyList<Corpus> corpora, RunResult?[] results)
    {
        var temporary = Store is null;
        var store = Store ?? new RunStore(Path.Combine(Path.GetTempPath(), $"textattention-runs-{Guid.NewGuid():N}"));
        var used = pending.Select(r => r.Corpus).Distinct().ToList();
        var job = new GridJob(
            used.Select(c => new JobCorpus(corpora[c].Recipe ?? throw new ArgumentException($"{corpora[c].Name} has no recipe (it was not made by Corpora.Load), so a worker cannot load it."),
                corpora[c].Name, corpora[c].Fingerprint)).ToList(),
            pending.Select(r => new JobRun(used.IndexOf(r.Corpus), r.Pooling, r.Seed, r.Settings.TrainingOrDefault.LearningRate)).ToList(),
            Settings, store.Directory, SaveModels);
        Directory.CreateDirectory(store.Directory);
        foreach (var stale in Directory.EnumerateFiles(store.Directory, "grid-*.job"))
        {
            File.Delete(stale);   // left by a grid that was killed; one grid uses a store at a time
        }

        var jobPath = Path.Combine(store.Directory, $"grid-{Guid.NewGuid():N}.job");
        job.Save(jobPath);
        store.ReleaseClaims();

        var lines = new BlockingCollection<(int Worker, string? Line)>();
        var errors = new List<StringBuilder>();
        var processes = new List<Process>();
        try
        {
            for (var w = 0; w < Math.Min(Workers!.Count, pending.Count); w++)
            {
                var worker = w;
                var info = Workers.Command(jobPath);
                info.UseShellExecute = false;
                info.RedirectStandardOutput = info.RedirectStandardError = info.RedirectStandardInput = true;
                var process = new Process { StartInfo = info };
                var error = new StringBuilder();
                errors.Add(error);
                process.OutputDataReceived += (_, e) => lines.Add((worker, e.Data));
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
            foreach (var (_, line) in lines.GetConsumingEnumerable())
            {
                if (line is null)
                {
                    if (--open == 0)
                    {
                        break;
                    }

                    continue;
                }

                if (WorkerEvent.Parse(line) is not { } message || message.Run < 0 || message.Run >= pending.Count)
                {
                    continue;
                }

                var run = pending[message.Run];
                switch (message.Kind)
                {
                    case "starting":
                        RunStarting?.Invoke(run.Key);
                        break;
                    case "batch" when message.Batch is not null:
                        BatchFinished?.Invoke(run.Key, message.Batch);
                        break;
                    case "epoch" when message.Epoch is not null:
                        EpochFinished?.Invoke(run.Key, message.Epoch);
                        break;
                    case "finished":
                        var corpus = corpora[run.Corpus];
                        var result = store.TryLoad(corpus.Name, corpus.Fingerprint, run.Pooling, run.Seed, run.Settings)
                                     ?? throw new InvalidOperationException($"a worker reported {run.Key} finished, but {store.Directory} does not hold it.");
                        results[run.Slot] = result;
                        RunFinished?.Invoke(run.Key, result);
                        break;
                }
            }

            foreach (var process in processes)
            {
                process.WaitForExit();
            }

            var missing = pending.Where(r => results[r.Slot] is null).ToList();
            if (missing.Count > 0)
            {
                var failures = processes.Select((p, i) => (p.ExitCode, Text: errors[i].ToString().Trim())).Where(f => f.ExitCode != 0 || f.Text.Length > 0)
                    .Select(f => $"worker exited with {f.ExitCode}: {Tail(f.Text)}");
                throw new InvalidOperationException(
                    $"{missing.Count} runs did not finish ({string.Join("; ", missing.Select(r => r.Key))}). {string.Join(" ", failures)}");
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
            if (temporary)
            {
                store.Clear();
            }
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
