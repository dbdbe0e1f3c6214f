using TextAttention.Data;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>Which run of a grid is under way: its place in the grid and what it trains.</summary>
/// <param name="Number">1-based position in the grid.</param>
/// <param name="Count">Runs in the whole grid.</param>
public sealed record RunKey(int Number, int Count, string Dataset, string Pooling, int Seed)
{
    public override string ToString() => $"{Dataset} {Pooling} seed {Seed}";
}

/// <summary>
/// The one owner of the corpus × pooling × seed loop. It knows nothing of who is watching: the command
/// line, the notebooks and the tests subscribe to its hooks (in the spirit of minGPT's trainer callbacks)
/// to show progress, evaluate or save a model while it is still in memory, or collect results.
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
    /// A run has finished. Its model is still in memory during this call (to evaluate on more data or save
    /// a checkpoint); afterwards the grid releases it unless <see cref="KeepModels"/> is set.
    /// </summary>
    public event Action<RunKey, RunResult>? RunFinished;

    /// <summary>Keep every trained model in the results (memory grows with the grid); false releases them.</summary>
    public bool KeepModels { get; init; }

    /// <summary>Trains every (pooling, seed) on each corpus, corpus by corpus, preparing each corpus once.</summary>
    public List<RunResult> Run(IReadOnlyList<Corpus> corpora) => Run(corpora.Select(c => Experiment.Prepare(c, Settings)), corpora.Count);

    /// <summary>Trains every (pooling, seed) on each prepared corpus.</summary>
    public List<RunResult> Run(IReadOnlyList<PreparedCorpus> corpora) => Run(corpora, corpora.Count);

    private List<RunResult> Run(IEnumerable<PreparedCorpus> corpora, int corpusCount)
    {
        var count = corpusCount * Poolings.Count * Seeds.Count;
        var runs = new List<RunResult>(count);
        foreach (var data in corpora)
        {
            foreach (var pooling in Poolings)
            {
                foreach (var seed in Seeds)
                {
                    var key = new RunKey(runs.Count + 1, count, data.Corpus.Name, pooling, seed);
                    RunStarting?.Invoke(key);
                    var run = Experiment.Run(data, pooling, seed, Settings,
                        BatchFinished is null ? null : progress => BatchFinished(key, progress),
                        EpochFinished is null ? null : epoch => EpochFinished(key, epoch));
                    RunFinished?.Invoke(key, run);
                    runs.Add(KeepModels ? run : run.ReleaseModel());
                }
            }
        }

        return runs;
    }
}
