using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>A deterministic slice of a list of runs: runs 1-based <see cref="Index"/>, Index + Count, … in list order.</summary>
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

    /// <summary>This shard's runs of <paramref name="runs"/>, in order.</summary>
    public List<RunSpec> Slice(IReadOnlyList<RunSpec> runs) => runs.Where((_, position) => position % Count == Index - 1).ToList();

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>
/// Runs a list of runs with resume: a run that the <see cref="Store"/> already holds (with its weights, when models
/// are kept) and whose figures fit its corpus is read back; every other run is trained by the <see cref="Executor"/>
/// and stored as it ends. It knows nothing of who is watching: the command line, the notebooks and the tests
/// subscribe to its events (in the spirit of minGPT's trainer callbacks), each keyed by the run's <see cref="RunSpec"/>.
/// Results come back in the order the runs were given, whatever the executor.
/// </summary>
public sealed class GridRunner(RunData data)
{
    public RunData Data { get; } = data;

    /// <summary>Where finished runs are kept; runs found there are not trained again. Null keeps nothing.</summary>
    public RunStore? Store { get; init; }

    /// <summary>Trains the runs that are not stored; in this process unless a worker-process executor is given.</summary>
    public IRunExecutor Executor { get; init; } = new InProcessExecutor();

    /// <summary>Store each run's trained weights beside its figures (needs a <see cref="Store"/>); a stored run without them is trained again.</summary>
    public bool SaveModels { get; init; }

    /// <summary>A run is about to train.</summary>
    public event Action<RunSpec>? RunStarting;

    /// <summary>A training batch of a run has finished.</summary>
    public event Action<RunSpec, BatchProgress>? BatchFinished;

    /// <summary>An epoch of a run has finished (validation figures included).</summary>
    public event Action<RunSpec, EpochRecord>? EpochFinished;

    /// <summary>A run has finished training and is stored. When it trained in this process its model is still in memory during this call.</summary>
    public event Action<RunSpec, RunResult>? RunFinished;

    /// <summary>A run was found finished in the <see cref="Store"/> and was not trained again (no model).</summary>
    public event Action<RunSpec, RunResult>? RunRestored;

    /// <summary>A stored run could not be used (a damaged file, or figures that do not fit its corpus) and will be trained again; the reason names the file.</summary>
    public event Action<RunSpec, string>? RunDamaged;

    /// <summary>The runs of <paramref name="runs"/> that the store already holds, usable, without training anything.</summary>
    public Dictionary<RunSpec, RunResult> Restorable(IEnumerable<RunSpec> runs)
    {
        var found = new Dictionary<RunSpec, RunResult>();
        if (Store is null)
        {
            return found;
        }

        foreach (var spec in runs.Distinct())
        {
            RunResult? stored;
            try
            {
                stored = Store.TryLoad(spec);
            }
            catch (InvalidDataException e)
            {
                RunDamaged?.Invoke(spec, e.Message);
                continue;
            }

            if (stored is null || (SaveModels && !Store.HasModel(spec)))
            {
                continue;
            }

            var problems = stored.Problems(Data.Corpus(spec));
            if (problems.Count > 0)
            {
                RunDamaged?.Invoke(spec, $"{Store.PathOf(spec)}: {string.Join("; ", problems)}");
                continue;
            }

            found[spec] = stored;
        }

        return found;
    }

    /// <summary>
    /// Reads back what the store holds, trains the rest (unless <paramref name="trainMissing"/> is false) and returns
    /// every run's result, in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">A run is listed twice, or models are kept without a store.</exception>
    /// <exception cref="InvalidOperationException">Runs are missing and <paramref name="trainMissing"/> is false (they are listed), or a run failed.</exception>
    /// <exception cref="IOException">Another grid is training in the same store.</exception>
    public List<RunResult> Run(IReadOnlyList<RunSpec> runs, bool trainMissing = true)
    {
        var duplicate = runs.GroupBy(r => r).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"{duplicate.Key} is listed {duplicate.Count()} times; every run of a grid must differ (check the seeds).");
        }

        if (SaveModels && Store is null)
        {
            throw new ArgumentException("keeping models needs a run store to keep them in.");
        }

        using var held = trainMissing ? Store?.Lock() : null;
        var results = Restorable(runs);
        foreach (var spec in runs.Where(results.ContainsKey))
        {
            RunRestored?.Invoke(spec, results[spec]);
        }

        var pending = runs.Where(r => !results.ContainsKey(r)).ToList();
        if (pending.Count > 0 && !trainMissing)
        {
            throw new InvalidOperationException(
                $"{pending.Count} of {runs.Count} runs are not in the store ({Store?.Directory ?? "none"}): {string.Join("; ", pending.Take(20))}{(pending.Count > 20 ? "; …" : "")}.");
        }

        if (pending.Count > 0)
        {
            Store?.ReleaseClaims();   // left by workers of a grid that was stopped; this grid holds the store's lock
            Executor.Execute(pending, new RunInputs(Data, Store, SaveModels), new Listener(this, results));
            var missing = pending.Where(r => !results.ContainsKey(r)).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"{missing.Count} runs did not finish: {string.Join("; ", missing)}.");
            }
        }

        return [.. runs.Select(r => results[r])];
    }

    private sealed class Listener(GridRunner runner, Dictionary<RunSpec, RunResult> results) : IRunListener
    {
        public void Starting(RunSpec run) => runner.RunStarting?.Invoke(run);

        public void Batch(RunSpec run, BatchProgress progress) => runner.BatchFinished?.Invoke(run, progress);

        public void Epoch(RunSpec run, EpochRecord epoch) => runner.EpochFinished?.Invoke(run, epoch);

        public void Finished(RunSpec run, RunResult result)
        {
            runner.RunFinished?.Invoke(run, result);
            results[run] = result with { Model = null };
        }
    }
}
