using TextAttention.Data;
using TextAttention.Training;
using static TextAttention.Attention.Poolings;

namespace TextAttention.Experiments;

/// <summary>How much work a comparison does: <see cref="Ci"/> for the quick check, <see cref="Full"/> for published results.</summary>
public enum Profile
{
    /// <summary>Small data and few epochs, so every notebook runs in CI within minutes; its numbers mean little.</summary>
    Ci,

    /// <summary>The settings behind the numbers committed in the notebooks and README, on the published data (hash-checked).</summary>
    Full,

    /// <summary>The full settings on the corpora's official splits, large training files included: hours on two cores.</summary>
    Official,
}

/// <summary>How one corpus takes part in a comparison: which seeds, and whether its test split rotates over folds.</summary>
/// <param name="Name">A name from <see cref="Corpora.Names"/>, or the path of a labelled file.</param>
/// <param name="Seeds">The reported seeds of every pooling; runs with the same seed are paired.</param>
public sealed record CorpusDesign(string Name, IReadOnlyList<int> Seeds)
{
    /// <summary>
    /// The seeds of the primary comparison's two poolings, when the power calculation asks for more than
    /// <see cref="Seeds"/> (a superset of them); empty when they get <see cref="Seeds"/> too.
    /// </summary>
    public IReadOnlyList<int> PrimarySeeds { get; init; } = [];

    /// <summary>
    /// Above 0: the corpus is dealt into this many stratified folds and seed s tests on fold s mod <see cref="Folds"/>,
    /// validates on the next and trains on the rest (<see cref="FoldSplit"/>), so the seeds of one rotation test every
    /// item once. 0: one fixed split for every seed.
    /// </summary>
    public int Folds { get; init; }

    /// <summary>The seeds a pooling is reported with.</summary>
    public IReadOnlyList<int> SeedsFor(bool primary) => primary && PrimarySeeds.Count > 0 ? PrimarySeeds : Seeds;

    /// <summary>The fold a seed tests on; null for a fixed split.</summary>
    public FoldSplit? FoldFor(int seed) => Folds > 0 ? FoldSplit.ForSeed(seed, Folds) : null;
}

/// <summary>
/// The learning-rate search: every pooling tries <see cref="Candidates"/> on each corpus with every tuning seed, judged
/// on validation only (<see cref="LearningRateSearch"/>); whenever a winner sits at an edge of what was tried, the next
/// rate of the <see cref="Ladder"/> beyond it is tried too, until no winner sits at an edge or the ladder ends.
/// </summary>
/// <param name="TuningSeeds">Never among a comparison's reported seeds, so the reported runs are not tuned on.</param>
public sealed record LearningRateSearchPlan(IReadOnlyList<double> Candidates, IReadOnlyList<double> Ladder, IReadOnlyList<int> TuningSeeds)
{
    /// <exception cref="ArgumentException">A candidate is not on the ladder, a rate is not positive and finite, or there is no tuning seed.</exception>
    public LearningRateSearchPlan Validate()
    {
        var problem =
            Candidates.Count == 0 ? "no candidate rate" :
            TuningSeeds.Count == 0 ? "no tuning seed" :
            TuningSeeds.Distinct().Count() != TuningSeeds.Count ? "a tuning seed is listed twice" :
            Ladder.Concat(Candidates).Any(r => !double.IsFinite(r) || r <= 0 || r > 1) ? "a rate that is not in (0, 1]" :
            Candidates.Any(c => !Ladder.Contains(c)) ? "a candidate rate that is not on the ladder" :
            !Ladder.SequenceEqual(Ladder.Order()) || Ladder.Distinct().Count() != Ladder.Count ? "a ladder that is not strictly increasing" :
            null;
        return problem is null ? this : throw new ArgumentException($"learning-rate search: {problem}.");
    }

    /// <summary>The 1-2-5 steps from 1e-4 to 5e-1: far enough that a search extending a winner at an edge meets a worse rate first.</summary>
    public static IReadOnlyList<double> OneTwoFive { get; } = [1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 1e-1, 2e-1, 5e-1];
}

/// <summary>
/// A comparison's whole protocol, defined once so the notebooks, the command line and the tests cannot drift apart:
/// which corpora (with their seeds and folds), poolings, model and training settings, how much of each corpus, the
/// learning-rate search, the hypotheses and the equivalence margin. <see cref="ComparisonStudy"/> runs it.
/// </summary>
/// <param name="Poolings">Names from <see cref="Attention.Poolings.Names"/>.</param>
/// <param name="Settings">Model, batching and training settings shared by every run (the learning rate is chosen per pooling when <see cref="Search"/> is set).</param>
/// <param name="MaxTrain">At most this many training examples per corpus (stratified subset).</param>
/// <param name="MaxEvaluation">At most this many validation and test examples per corpus.</param>
public sealed record ComparisonPlan(Profile Profile, IReadOnlyList<CorpusDesign> Corpora, IReadOnlyList<string> Poolings, RunSettings Settings, int MaxTrain, int MaxEvaluation)
{
    /// <summary>The search that chooses each pooling's learning rate per corpus; null trains every run with the settings' rate.</summary>
    public LearningRateSearchPlan? Search { get; init; }

    /// <summary>The pre-stated primary comparison, one test per corpus: the blog post's claim, attention_1 − attention_2.</summary>
    public (string A, string B) Primary { get; init; } = BlogPost;

    /// <summary>
    /// The secondary comparisons, on every corpus: is attention_1 anything but a sum (attention_1 − sum), and does a
    /// learned query help (attention_2 − mean).
    /// </summary>
    public IReadOnlyList<(string A, string B)> Secondary { get; init; } = [(BlogPost.Attention1, "sum"), (BlogPost.Attention2, "mean")];

    /// <summary>Also train the primary poolings at their second-best rate with every corpus's <see cref="CorpusDesign.Seeds"/>, to see whether the primary verdict depends on the rate.</summary>
    public bool SecondBestRates { get; init; }

    /// <summary>Differences within ± this margin (a fraction: 0.01 = one percentage point) count as equivalent when two one-sided tests say so.</summary>
    public double EquivalenceMargin { get; init; } = 0.01;

    /// <summary>Keep every comparison run's trained weights in the run store (for notebooks 06 and 07, <c>train --save</c>).</summary>
    public bool KeepModels { get; init; } = true;

    /// <summary>Which files make up a real corpus: the published ones (hash-checked), or the official splits in the official profile.</summary>
    public CorpusDefinition Definition => Profile == Profile.Official ? CorpusDefinition.Official : CorpusDefinition.Published;

    /// <summary>Whether a pooling is one of the primary comparison's two.</summary>
    public bool IsPrimary(string pooling) => pooling == Primary.A || pooling == Primary.B;

    /// <summary>
    /// Minutes on two cores: the blog post's two forms with sum and mean pooling (enough for every hypothesis), small
    /// subsets, at most three epochs, two candidate rates on one tuning seed, AG News's fold rotation with one more seed
    /// for the primary pair. Enough to check that everything runs and to rerun for determinism; its numbers mean little.
    /// </summary>
    public static ComparisonPlan Ci { get; } = new(
        Profile.Ci,
        [
            new CorpusDesign(Data.Corpora.Synthetic, [1, 2]),
            new CorpusDesign(Data.Corpora.AgNews, [1, 2]) { PrimarySeeds = [1, 2, 3], Folds = 10 },
            new CorpusDesign(Data.Corpora.ThucNews, [1, 2]),
        ],
        [BlogPost.Attention1, BlogPost.Attention2, "mean", "sum"],
        new RunSettings(EmbeddingSize: 64, HiddenSize: 64, MaxLength: 64, BatchSize: 64, Training: new TrainingOptions(Epochs: 3, LearningRate: 2e-3, Patience: 1), Threads: 1),
        MaxTrain: 1_200,
        MaxEvaluation: 300)
    {
        Search = new LearningRateSearchPlan([2e-3, 5e-3], [2e-3, 5e-3], [101]),
        SecondBestRates = true,
    };

    /// <summary>
    /// The published comparison. Six poolings: the post's two forms, HAN with a mask, multi-head attention, and mean and
    /// sum pooling (sum is attention_1's control). Every run trains until validation accuracy has not improved for 3
    /// epochs (at most 30) and keeps its best epoch. Each pooling's rate is chosen per corpus from 1e-3 … 1e-2 (extended
    /// along the 1-2-5 ladder while a winner sits at an edge), averaging tuning seeds 101 and 102, which are never
    /// reported. Seeds, from the power calculation of notebook 05: five on THUCNews (10,000 test headlines, so item noise is
    /// small) and on the synthetic corpus (at its noise ceiling); on AG News, whose published file has 7,600 items, a
    /// 10-fold rotation so that every item is test data once per rotation, ten seeds for every pooling and twenty (two
    /// rotations) for the primary pair. The primary pair is also trained at its second-best rates.
    /// </summary>
    public static ComparisonPlan Full { get; } = new(
        Profile.Full,
        [
            new CorpusDesign(Data.Corpora.Synthetic, [1, 2, 3, 4, 5]),
            new CorpusDesign(Data.Corpora.AgNews, Range(1, 10)) { PrimarySeeds = Range(1, 20), Folds = 10 },
            new CorpusDesign(Data.Corpora.ThucNews, [1, 2, 3, 4, 5]),
        ],
        [BlogPost.Attention1, BlogPost.Attention2, "han", "mhsa", "mean", "sum"],
        Ci.Settings with { Training = new TrainingOptions(Epochs: 30, LearningRate: 2e-3, Patience: 3) },
        MaxTrain: 120_000,
        MaxEvaluation: 10_000)
    {
        Search = new LearningRateSearchPlan([1e-3, 2e-3, 5e-3, 1e-2], LearningRateSearchPlan.OneTwoFive, [101, 102]),
        SecondBestRates = true,
    };

    /// <summary>
    /// The published comparison on the corpora's official splits (the large training files): hours on two cores. AG News
    /// then has its own 7,600-item test split, so it does not rotate folds.
    /// </summary>
    public static ComparisonPlan Official { get; } = Full with
    {
        Profile = Profile.Official,
        Corpora = [.. Full.Corpora.Select(d => d.Folds > 0 ? d with { Folds = 0 } : d)],
    };

    /// <summary>
    /// The models notebook 07 explains: the primary pair and multi-head attention on the comparison's corpora (the very
    /// runs of <see cref="For"/>, so a study of this plan after notebook 05 trains none of them), and the same three on
    /// the tweets, whose human rationales give attention something to be judged against, by the same protocol.
    /// </summary>
    public static ComparisonPlan Explanation(Profile profile)
    {
        var plan = For(profile);
        IReadOnlyList<int> seeds = profile == Profile.Ci ? [1, 2] : [1, 2, 3, 4, 5];
        return plan with
        {
            Poolings = [BlogPost.Attention1, BlogPost.Attention2, "mhsa"],
            Corpora = [.. plan.Corpora, new CorpusDesign(Data.Corpora.Tweets, seeds)],
            Secondary = [],
            SecondBestRates = false,
        };
    }

    /// <summary>The plan of a profile.</summary>
    public static ComparisonPlan For(Profile profile) => profile switch
    {
        Profile.Ci => Ci,
        Profile.Full => Full,
        _ => Official,
    };

    /// <summary>This plan with only the given corpora (in the plan's order); unknown names are an error.</summary>
    /// <exception cref="ArgumentException">A name is not one of the plan's corpora.</exception>
    public ComparisonPlan Only(IEnumerable<string> corpora)
    {
        var names = corpora.ToList();
        var unknown = names.Where(n => Corpora.All(d => d.Name != n)).ToList();
        return unknown.Count > 0
            ? throw new ArgumentException($"not a corpus of this plan: {string.Join(", ", unknown)}; it has {string.Join(", ", Corpora.Select(d => d.Name))}.")
            : this with { Corpora = Corpora.Where(d => names.Contains(d.Name)).ToList() };
    }

    /// <summary>Checks everything that can be checked before any data is read or any model trained.</summary>
    /// <exception cref="ArgumentException">An unknown pooling, an empty or repeated list, a bad seed or setting; the message names it.</exception>
    public ComparisonPlan Validate()
    {
        var unknown = Poolings.Where(p => !Attention.Poolings.Names.Contains(p)).ToList();
        var training = Settings.TrainingOrDefault;
        var tuning = Search?.TuningSeeds ?? [];
        var problem =
            unknown.Count > 0 ? $"not a pooling: {string.Join(", ", unknown)}; choose from {string.Join(", ", Attention.Poolings.Names)}" :
            Poolings.Count == 0 ? "no pooling" :
            Poolings.Distinct().Count() != Poolings.Count ? "a pooling is listed twice" :
            Corpora.Count == 0 ? "no corpus" :
            Corpora.Select(d => d.Name).Distinct().Count() != Corpora.Count ? "a corpus is listed twice" :
            Corpora.FirstOrDefault(d => d.Seeds.Count == 0) is { } noSeeds ? $"{noSeeds.Name} has no seed" :
            Corpora.FirstOrDefault(d => d.Seeds.Distinct().Count() != d.Seeds.Count || d.PrimarySeeds.Distinct().Count() != d.PrimarySeeds.Count) is { } twice ? $"a seed is listed twice for {twice.Name}" :
            Corpora.FirstOrDefault(d => d.PrimarySeeds.Count > 0 && !d.Seeds.All(d.PrimarySeeds.Contains)) is { } subset ? $"{subset.Name}'s primary seeds must include all its seeds" :
            Corpora.FirstOrDefault(d => d.Folds is < 0 or 1 or 2) is { } folds ? $"{folds.Name} has {folds.Folds} folds; a rotation needs at least 3 (or 0 for a fixed split)" :
            Corpora.SelectMany(d => d.SeedsFor(true)).Intersect(tuning).Any() ? $"tuning seed {string.Join(", ", tuning)} chooses the learning rates, so it cannot also be a reported seed" :
            MaxTrain < 1 || MaxEvaluation < 1 ? "MaxTrain and MaxEvaluation must be at least 1" :
            training.Epochs < 1 || training.Patience is < 1 ? "epochs and patience must be at least 1" :
            !double.IsFinite(training.LearningRate) || training.LearningRate is <= 0 or > 1 ? $"the learning rate {training.LearningRate} is not in (0, 1]" :
            Settings.EmbeddingSize < 1 || Settings.HiddenSize < 1 || Settings.MaxLength < 1 || Settings.BatchSize < 1 || Settings.Threads < 1 ? "sizes and threads must be at least 1" :
            !double.IsFinite(EquivalenceMargin) || EquivalenceMargin <= 0 ? "the equivalence margin must be positive" :
            null;
        Search?.Validate();
        return problem is null ? this : throw new ArgumentException($"comparison plan: {problem}.");
    }

    /// <summary>
    /// The corpora of this plan, loaded with <paramref name="options"/> (one split per fold where a design rotates) and cut
    /// to size, in the plan's order. A real corpus that cannot be had (missing offline, malformed, altered) goes to
    /// <paramref name="skipped"/> with the reason when one is given; without one the error stops the load.
    /// </summary>
    public List<StudyCorpus> Load(CorpusOptions options, Action<string, Exception>? skipped = null)
    {
        var corpora = new List<StudyCorpus>();
        foreach (var design in Corpora)
        {
            try
            {
                var splits = design.Folds > 0
                    ? Enumerable.Range(0, design.Folds).Select(k => Load(design.Name, options with { Fold = new FoldSplit(k, design.Folds) })).ToList()
                    : [Load(design.Name, options)];
                corpora.Add(new StudyCorpus(design, splits));
            }
            catch (Exception e) when (skipped is not null && e is IOException or IO.DataFormatException)
            {
                skipped(design.Name, e);
            }
        }

        return corpora;
    }

    /// <summary>The part of <paramref name="corpus"/> this plan trains and evaluates on.</summary>
    public Corpus Subset(Corpus corpus) => Data.Corpora.Subset(corpus, MaxTrain, MaxEvaluation);

    /// <summary>How this plan loads its corpora from <paramref name="dataDirectory"/>: with its <see cref="Definition"/>.</summary>
    public CorpusOptions CorpusOptions(string? dataDirectory, bool allowDownload = true, Action<string>? warn = null) =>
        new(dataDirectory, allowDownload, Warn: warn, Definition: Definition);

    private Corpus Load(string name, CorpusOptions options) => Subset(Data.Corpora.Load(name, options));

    private static int[] Range(int first, int last) => Enumerable.Range(first, last - first + 1).ToArray();
}

/// <summary>A corpus of a study: its design and its loaded splits, one per fold when the design rotates.</summary>
public sealed record StudyCorpus(CorpusDesign Design, IReadOnlyList<Corpus> Splits)
{
    /// <summary>The corpus's name (as runs and results name it).</summary>
    public string Name => Splits[0].Name;

    /// <summary>The split a run with <paramref name="seed"/> trains and tests on.</summary>
    public Corpus For(int seed) => Design.FoldFor(seed) is { } fold ? Splits[fold.Index] : Splits[0];

    /// <summary>A study corpus of one fixed split, taking part as <paramref name="design"/> (of the study's plan) says.</summary>
    /// <exception cref="ArgumentException">The design rotates folds, which one split cannot.</exception>
    public static StudyCorpus Fixed(CorpusDesign design, Corpus corpus) =>
        design.Folds > 0 ? throw new ArgumentException($"{design.Name} rotates over {design.Folds} folds; load it with ComparisonPlan.Load.") : new(design, [corpus]);
}
