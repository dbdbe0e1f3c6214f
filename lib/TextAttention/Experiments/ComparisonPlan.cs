using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Training;

namespace TextAttention.Experiments;

/// <summary>
/// The grid that notebook 05 runs and the determinism test reruns: which poolings, seeds, model and
/// training settings, and how much of each corpus. Defined once here so the notebook, the tests and
/// the README cannot drift apart.
/// </summary>
/// <param name="Poolings">Names from <see cref="Poolings.Names"/>.</param>
/// <param name="Seeds">One run per seed; runs with the same seed are paired in the statistics.</param>
/// <param name="Settings">Model, batching and training settings shared by every run.</param>
/// <param name="MaxTrain">At most this many training examples per corpus (stratified subset).</param>
/// <param name="MaxEvaluation">At most this many validation and test examples per corpus.</param>
public sealed record ComparisonPlan(IReadOnlyList<string> Poolings, IReadOnlyList<int> Seeds, RunSettings Settings, int MaxTrain, int MaxEvaluation)
{
    /// <summary>
    /// Minutes on two cores: the blog post's two forms and mean pooling, two seeds, two epochs on
    /// small subsets. Enough to check that everything runs and to rerun for determinism.
    /// </summary>
    public static ComparisonPlan Ci { get; } = new(
        [TextAttention.Attention.Poolings.BlogPost.Attention1, TextAttention.Attention.Poolings.BlogPost.Attention2, "mean"],
        [1, 2],
        new RunSettings(EmbeddingSize: 64, HiddenSize: 64, MaxLength: 64, BatchSize: 64, Training: new TrainingOptions(Epochs: 2, LearningRate: 2e-3), Threads: 1),
        MaxTrain: 1_200,
        MaxEvaluation: 300);

    /// <summary>
    /// The published grid: both of the post's forms, HAN with a mask, multi-head attention and three
    /// attention-free baselines, five seeds, three epochs, whole corpora. The variants <c>dot-self</c>,
    /// <c>dot-self-mean</c>, <c>dot-self-mean-unmasked</c> and <c>han-bias</c> are left out to keep the
    /// full profile within 20 minutes on two cores; notebooks 01–03 and the tests cover them.
    /// </summary>
    public static ComparisonPlan Full { get; } = new(
        [TextAttention.Attention.Poolings.BlogPost.Attention1, TextAttention.Attention.Poolings.BlogPost.Attention2, "han", "mhsa", "mean", "max", "last"],
        [1, 2, 3, 4, 5],
        Ci.Settings with { Training = new TrainingOptions(Epochs: 3, LearningRate: 2e-3) },
        MaxTrain: 120_000,
        MaxEvaluation: 10_000);

    /// <summary>The part of <paramref name="corpus"/> this plan trains and evaluates on.</summary>
    public Corpus Subset(Corpus corpus) => Data.Corpora.Subset(corpus, MaxTrain, MaxEvaluation);

    /// <summary>
    /// The corpora of this plan, loaded with <paramref name="options"/> and cut to size, in catalogue order. A real
    /// corpus that cannot be had (missing offline, malformed, altered) goes to <paramref name="skipped"/> with the
    /// reason when one is given; without one the error stops the load.
    /// </summary>
    /// <param name="names">The corpora to load; all of <see cref="Corpora.Names"/> when null.</param>
    public List<Corpus> Corpora(CorpusOptions options, Action<string, Exception>? skipped = null, IEnumerable<string>? names = null)
    {
        var corpora = new List<Corpus>();
        foreach (var name in names ?? Data.Corpora.Names)
        {
            try
            {
                corpora.Add(Subset(Data.Corpora.Load(name, options)));
            }
            catch (Exception e) when (skipped is not null && e is IOException or IO.DataFormatException)
            {
                skipped(name, e);
            }
        }

        return corpora;
    }

    /// <summary>This plan's grid, for callers that want to subscribe to its hooks before running it.</summary>
    public ExperimentGrid Grid() => new(Poolings, Seeds, Settings);

    /// <summary>
    /// Trains every (pooling, seed) on each corpus (cut to size by <see cref="Subset"/> first) and returns the
    /// results without their models.
    /// </summary>
    /// <exception cref="ArgumentException">A pooling name is unknown, or a list is empty.</exception>
    public List<RunResult> Run(IReadOnlyList<Corpus> corpora) => Grid().Run(corpora);
}
