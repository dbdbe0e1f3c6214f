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
    /// The learning-rate candidates each pooling is tried with on every corpus before the comparison (empty: no
    /// search, every run uses the settings' rate).
    /// </summary>
    public IReadOnlyList<double> LearningRates { get; init; } = [];

    /// <summary>The seeds of the learning-rate search; never among <see cref="Seeds"/>, so the reported runs are not tuned on.</summary>
    public IReadOnlyList<int> TuningSeeds { get; init; } = [];

    /// <summary>
    /// Minutes on two cores: the blog post's two forms with mean and sum pooling, two seeds, small subsets, at most
    /// three epochs, two learning rates searched. Enough to check that everything runs and to rerun for determinism.
    /// </summary>
    public static ComparisonPlan Ci { get; } = new(
        [TextAttention.Attention.Poolings.BlogPost.Attention1, TextAttention.Attention.Poolings.BlogPost.Attention2, "mean", "sum"],
        [1, 2],
        new RunSettings(EmbeddingSize: 64, HiddenSize: 64, MaxLength: 64, BatchSize: 64, Training: new TrainingOptions(Epochs: 3, LearningRate: 2e-3, Patience: 1), Threads: 1),
        MaxTrain: 1_200,
        MaxEvaluation: 300)
    {
        LearningRates = [2e-3, 5e-3],
        TuningSeeds = [101],
    };

    /// <summary>
    /// The published grid: both of the post's forms, HAN with a mask, multi-head attention, and mean and sum pooling
    /// (sum is the control for <c>attention_1</c>), five seeds, on the published data. Every run trains until
    /// validation accuracy has not improved for <see cref="TrainingOptions.Patience"/> = 3 epochs (at most 30) and
    /// keeps its best epoch. Each pooling's learning rate is chosen per corpus from 1e-3, 2e-3 and 5e-3 (a ×5 span
    /// around Adam's usual 1e-3 to 2e-3 for LSTMs) on the validation split, with seed 101, which is not reported.
    /// Max and last-state pooling and the <c>dot-self</c>, <c>dot-self-mean</c>, <c>han-bias</c> variants are left out to
    /// keep the converged profile within an hour on two cores; notebooks 01–03 and the tests cover them.
    /// </summary>
    public static ComparisonPlan Full { get; } = new(
        [TextAttention.Attention.Poolings.BlogPost.Attention1, TextAttention.Attention.Poolings.BlogPost.Attention2, "han", "mhsa", "mean", "sum"],
        [1, 2, 3, 4, 5],
        Ci.Settings with { Training = new TrainingOptions(Epochs: 30, LearningRate: 2e-3, Patience: 3) },
        MaxTrain: 120_000,
        MaxEvaluation: 10_000)
    {
        LearningRates = [1e-3, 2e-3, 5e-3],
        TuningSeeds = [101],
    };

    /// <summary>
    /// The paired comparisons reported on every corpus, as one family for the multiplicity adjustment: the blog
    /// post's claim (attention_1 − attention_2), the control that tells whether attention_1's edge comes from
    /// attention at all (attention_1 − sum), and each form against mean pooling.
    /// </summary>
    public static IReadOnlyList<(string A, string B)> Comparisons { get; } =
    [
        TextAttention.Attention.Poolings.BlogPost,
        (TextAttention.Attention.Poolings.BlogPost.Attention1, "sum"),
        (TextAttention.Attention.Poolings.BlogPost.Attention1, "mean"),
        (TextAttention.Attention.Poolings.BlogPost.Attention2, "mean"),
    ];

    /// <summary><see cref="Comparisons"/> on each dataset, in dataset order: the family that notebook 05 and the README report.</summary>
    public static List<(string Dataset, string A, string B)> Family(IEnumerable<string> datasets) =>
        datasets.Distinct().SelectMany(d => Comparisons.Select(c => (d, c.A, c.B))).ToList();

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

    /// <summary>This plan's grid with the settings' learning rate for every pooling, for callers that want to subscribe to its hooks before running it.</summary>
    public ExperimentGrid Grid() => new(Poolings, Seeds, Settings);

    /// <summary>The learning-rate search: every pooling × candidate rate × tuning seed on each corpus.</summary>
    /// <exception cref="InvalidOperationException">The plan searches no rates.</exception>
    public ExperimentGrid TuningGrid() => LearningRates.Count == 0 || TuningSeeds.Count == 0
        ? throw new InvalidOperationException("this plan has no learning-rate search.")
        : new(Poolings, TuningSeeds, Settings) { LearningRates = (_, _) => LearningRates };

    /// <summary>The comparison grid, each pooling trained with the rate the search chose for it on each corpus.</summary>
    /// <param name="saveModels">Keep every run's weights in the grid's store (<see cref="ExperimentGrid.SaveModels"/>), for notebook 07.</param>
    public ExperimentGrid Grid(IEnumerable<LearningRateChoice> chosen, bool saveModels = false) =>
        new(Poolings, Seeds, Settings) { LearningRates = LearningRateSearch.AsGridRates(chosen), SaveModels = saveModels };

    /// <summary>
    /// Trains every (pooling, seed) on each corpus (cut to size by <see cref="Subset"/> first) and returns the
    /// results without their models.
    /// </summary>
    /// <exception cref="ArgumentException">A pooling name is unknown, or a list is empty.</exception>
    public List<RunResult> Run(IReadOnlyList<Corpus> corpora) => Grid().Run(corpora);
}
