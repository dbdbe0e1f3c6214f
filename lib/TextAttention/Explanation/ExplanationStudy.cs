using CsvHelper.Configuration.Attributes;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Inference;
using TextAttention.Text;

namespace TextAttention.Explanation;

/// <summary>
/// One figure about one trained model in notebook 07's results file (<c>explanation-PROFILE.csv</c>), in long form.
/// </summary>
/// <param name="Measure">One of the <see cref="ExplanationStudy"/> measure names.</param>
/// <param name="Method">The ranking, pair of rankings or intervention the figure is about.</param>
/// <param name="K">Tokens erased or the k of a top-k recall; 0 where it does not apply.</param>
/// <param name="Texts">How many texts the figure averages over.</param>
public sealed record ExplanationRow(
    [property: Name("dataset")] string Dataset,
    [property: Name("pooling")] string Pooling,
    [property: Name("seed")] int Seed,
    [property: Name("measure")] string Measure,
    [property: Name("method")] string Method,
    [property: Name("k")] int K,
    [property: Name("value")] double Value,
    [property: Name("texts")] int Texts);

/// <summary>A figure averaged over seeds, with its t interval over seeds.</summary>
public sealed record SeedSummary(string Dataset, string Pooling, string Method, int K, double Mean, double Low, double High, int Seeds);

/// <summary>
/// The measurements of notebook 07 for one trained model: how its attention ranks tokens against three attributions
/// (Kendall τ-b), where each ranking puts the known evidence (synthetic corpus), how fast erasing the top-ranked tokens
/// changes its decisions, and what its accuracy becomes with uniform or permuted attention.
/// </summary>
public static class ExplanationStudy
{
    public const string Tau = "kendall_tau";
    public const string Recall = "evidence_recall";
    public const string ChanceRecall = "evidence_recall_chance";
    public const string ErasureAccuracy = "erasure_accuracy";
    public const string ErasureFlips = "erasure_flip_rate";
    public const string InterventionAccuracy = "intervention_accuracy";
    public const string InterventionFlips = "intervention_flip_rate";
    public const string RandomRanking = "random";
    public const string Completeness = "ig_completeness_gap";

    /// <summary>
    /// The pairs of rankings whose agreement is measured: attention against each (signed) attribution and against the
    /// magnitude of integrated gradients, and two attributions against each other for scale.
    /// </summary>
    public static IReadOnlyList<(string A, string B)> Agreements { get; } =
    [
        (Explainer.AttentionMethod, Explainer.GradientMethod),
        (Explainer.AttentionMethod, Explainer.IntegratedGradientsMethod),
        (Explainer.AttentionMethod, Explainer.LeaveOneOutMethod),
        (Explainer.AttentionMethod, Explainer.IntegratedGradientsMagnitude),
        (Explainer.IntegratedGradientsMethod, Explainer.LeaveOneOutMethod),
    ];

    /// <summary>The name of an agreement pair in the results file.</summary>
    public static string PairName((string A, string B) pair) => $"{pair.A} ~ {pair.B}";

    /// <summary>The rankings of the erasure curves: the four methods and chance.</summary>
    public static IReadOnlyList<string> ErasureRankings { get; } = [.. Explainer.Methods, RandomRanking];

    /// <summary>The numbers of top-ranked tokens erased.</summary>
    public static IReadOnlyList<int> ErasureSizes { get; } = [0, 1, 2, 3, 5, 8];

    /// <summary>The k of the top-k evidence recall besides k = 1.</summary>
    public const int RecallK = 3;

    /// <summary>
    /// Measures one model. <paramref name="texts"/> are explained and erased (the first test texts); the interventions
    /// are scored on <paramref name="accuracyTexts"/> (the whole test split). <paramref name="source"/> holds the
    /// examples the encoded ones were made from, for their evidence positions (null when the corpus records none).
    /// </summary>
    /// <param name="randomSeed">Seeds the random ranking and the permutations, so a rerun gives the same figures.</param>
    public static (List<ExplanationRow> Rows, List<TokenExplanation> Explanations) Measure(
        string dataset, int seed, Predictor predictor, IReadOnlyList<EncodedExample> texts, IReadOnlyList<EncodedExample> accuracyTexts,
        IReadOnlyList<Example> source, int steps, int randomSeed)
    {
        texts = Explainer.Truncated(predictor, texts);
        var pooling = predictor.Model.Config.Pooling;
        var rows = new List<ExplanationRow>();
        void Add(string measure, string method, int k, double value, int count) => rows.Add(new ExplanationRow(dataset, pooling, seed, measure, method, k, value, count));

        // One pass for the predictions: the explanations read them, and the erasures count flips against them.
        var original = predictor.PredictEach(texts);
        var explanations = Explainer.Explain(predictor, texts, steps, predictions: original);
        Add(Completeness, "mean |gap|", steps, explanations.Average(e => Math.Abs(e.CompletenessGap)), explanations.Count);
        Add(Completeness, "largest |gap|", steps, explanations.Max(e => Math.Abs(e.CompletenessGap)), explanations.Count);
        var ranked = explanations.Where(e => e.Tokens.Count >= 2).ToList();
        foreach (var pair in Agreements)
        {
            var taus = ranked.Select(e => Ranking.KendallTau(e.Scores(pair.A), e.Scores(pair.B))).Where(t => !double.IsNaN(t)).ToList();
            Add(Tau, PairName(pair), 0, taus.Count == 0 ? double.NaN : taus.Average(), taus.Count);
        }

        var random = new Random(randomSeed);
        var randomScores = explanations.Select(e => Ranking.RandomScores(e.Tokens.Count, random)).ToList();
        // Evidence positions the model read (a text cut at the maximum length may lose its evidence), on the texts the
        // model classified correctly: there the evidence is what decided, while on a mistake (or a noisy label) it argues
        // against the predicted class, which a signed attribution rightly ranks last.
        int[] EvidenceOf(TokenExplanation e) => (source[e.Index].Evidence ?? []).Where(p => p < e.Tokens.Count).ToArray();
        var withEvidence = ranked.Where(e => e.Predicted == e.Label && EvidenceOf(e).Length > 0).ToList();
        if (withEvidence.Count > 0)
        {
            var randomByIndex = explanations.Select((e, i) => (e.Index, Scores: randomScores[i])).ToDictionary(x => x.Index, x => x.Scores);
            foreach (var k in new[] { 1, RecallK })
            {
                foreach (var method in ErasureRankings.Append(Explainer.IntegratedGradientsMagnitude))
                {
                    var recall = withEvidence.Average(e => Ranking.EvidenceRecall(method == RandomRanking ? randomByIndex[e.Index] : e.Scores(method), EvidenceOf(e), k));
                    Add(Recall, method, k, recall, withEvidence.Count);
                }

                Add(ChanceRecall, "k / L", k, withEvidence.Average(e => Ranking.ChanceRecall(e.Tokens.Count, k)), withEvidence.Count);
            }
        }

        var rankings = ErasureRankings.ToDictionary(method => method, method => method == RandomRanking
            ? randomScores.Cast<IReadOnlyList<double>>().ToList()
            : (IReadOnlyList<IReadOnlyList<double>>)explanations.Select(e => (IReadOnlyList<double>)e.Scores(method)).ToList());
        foreach (var erased in Erasure.Curves(predictor, texts, rankings, original, ErasureSizes))
        {
            Add(ErasureAccuracy, erased.Ranking, erased.K, erased.Accuracy, texts.Count);
            Add(ErasureFlips, erased.Ranking, erased.K, erased.FlipRate, texts.Count);
        }

        var pool = predictor.Model.Pooling;
        var trained = predictor.PredictEach(accuracyTexts);
        foreach (var intervention in Enum.GetValues<AttentionIntervention>().Where(i => i == AttentionIntervention.None || pool.HasAttention))
        {
            pool.Intervention = intervention;
            try
            {
                TorchSharp.torch.manual_seed(randomSeed);
                var predictions = intervention == AttentionIntervention.None ? trained : predictor.PredictEach(accuracyTexts);
                var name = intervention.ToString().ToLowerInvariant();
                Add(InterventionAccuracy, name, 0, predictions.Count(p => p.Predicted == p.Label) / (double)Math.Max(1, predictions.Count), predictions.Count);
                Add(InterventionFlips, name, 0, predictions.Where((p, i) => p.Predicted != trained[i].Predicted).Count() / (double)Math.Max(1, predictions.Count), predictions.Count);
            }
            finally
            {
                pool.Intervention = AttentionIntervention.None;
            }
        }

        return (rows, explanations);
    }

    /// <summary>
    /// Each (dataset, pooling, method, k) of one measure averaged over seeds, with a two-sided t interval at level
    /// 1 − <paramref name="alpha"/> (pass 0.05 / m for a Bonferroni adjustment over m figures).
    /// </summary>
    public static List<SeedSummary> Summarise(IEnumerable<ExplanationRow> rows, string measure, double alpha = 0.05) =>
        rows.Where(r => r.Measure == measure && !double.IsNaN(r.Value))
            .GroupBy(r => (r.Dataset, r.Pooling, r.Method, r.K))
            .Select(g =>
            {
                var values = g.Select(r => r.Value).ToList();
                var (mean, std) = Statistics.MeanStd(values);
                var half = values.Count < 2 ? double.NaN : Statistics.TQuantile(values.Count - 1, alpha) * std / Math.Sqrt(values.Count);
                return new SeedSummary(g.Key.Dataset, g.Key.Pooling, g.Key.Method, g.Key.K, mean, mean - half, mean + half, values.Count);
            })
            .ToList();

    /// <summary>
    /// The paired difference, per seed, between an intervention's accuracy and the trained model's, in the same units
    /// (fractions), averaged over seeds with a t interval at level 1 − <paramref name="alpha"/>.
    /// </summary>
    public static List<SeedSummary> InterventionCost(IEnumerable<ExplanationRow> rows, double alpha = 0.05)
    {
        var accuracy = rows.Where(r => r.Measure == InterventionAccuracy).ToList();
        var trained = accuracy.Where(r => r.Method == "none").ToDictionary(r => (r.Dataset, r.Pooling, r.Seed), r => r.Value);
        var differences = accuracy.Where(r => r.Method != "none")
            .Select(r => r with { Value = r.Value - trained[(r.Dataset, r.Pooling, r.Seed)], Measure = "intervention_cost" });
        return Summarise(differences, "intervention_cost", alpha);
    }
}
