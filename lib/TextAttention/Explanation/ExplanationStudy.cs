using CsvHelper.Configuration.Attributes;
using TextAttention.Attention;
using TextAttention.Data;
using TextAttention.Experiments;
using TextAttention.Inference;
using TextAttention.Text;

namespace TextAttention.Explanation;

/// <summary>One figure about one trained model in notebook 07's results file (<c>explanation-PROFILE.csv</c>): a mean over its texts.</summary>
/// <param name="Measure">One of the <see cref="ExplanationStudy"/> measure names.</param>
/// <param name="Method">The ranking, pair of rankings or intervention the figure is about.</param>
/// <param name="K">The bin (a percentage of the tokens) or the k of a top-k figure; 0 where it does not apply.</param>
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

/// <summary>A figure over seeds and texts (<c>explanation-PROFILE.summary.csv</c>), with its 95% interval from the two-level bootstrap.</summary>
public sealed record ExplanationSummary(
    [property: Name("dataset")] string Dataset,
    [property: Name("pooling")] string Pooling,
    [property: Name("measure")] string Measure,
    [property: Name("method")] string Method,
    [property: Name("k")] int K,
    [property: Name("mean")] double Mean,
    [property: Name("low")] double Low,
    [property: Name("high")] double High,
    [property: Name("seeds")] int Seeds,
    [property: Name("texts")] int Texts);

/// <summary>One model's measurements, text by text, before they are averaged.</summary>
/// <param name="TestSet">Names the texts: models with the same test set explained the same texts in the same order.</param>
/// <param name="Values">(measure, method, k) → one value per text (NaN where the measure does not apply to a text).</param>
/// <param name="Explanations">The texts' explanations, for pictures and for agreement across seeds.</param>
public sealed record ModelMeasurements(string Dataset, string Pooling, int Seed, string TestSet, IReadOnlyDictionary<(string Measure, string Method, int K), double[]> Values,
    IReadOnlyList<TokenExplanation> Explanations);

/// <summary>
/// The measurements of notebook 07 for one trained model, the way the literature on "is attention an explanation?"
/// measures them: faithfulness (ERASER's comprehensiveness and sufficiency, DeYoung et al. 2020) of attention, of three
/// attributions and of a random ranking; plausibility against what a person (or the generator) marked; agreement between
/// rankings as top-k overlap (Kendall's τ beside it); whether integrated gradients met its completeness tolerance; and what
/// the model's accuracy becomes when its attention is replaced at inference (uniform or permuted), which asks whether the
/// model uses its weights. Whether attention is needed at all is the other question: it is answered by notebook 05's
/// poolings trained with uniform weights (mean, sum), not here.
/// </summary>
public static class ExplanationStudy
{
    public const string Comprehensiveness = "comprehensiveness";
    public const string Sufficiency = "sufficiency";
    public const string Plausibility = "average_precision";
    public const string PlausibilityChance = "average_precision_chance";
    public const string RecallAtR = "recall_at_marked";
    public const string Overlap = "top_k_overlap";
    public const string Tau = "kendall_tau";
    public const string SeedOverlap = "top_k_overlap_across_seeds";
    public const string IncompleteBefore = "ig_incomplete_probability_32_steps";
    public const string IncompleteAfter = "ig_incomplete_logit_adaptive";
    public const string Steps = "ig_steps";
    public const string InterventionChange = "intervention_accuracy_change";
    public const string Accuracy = "accuracy";
    public const string RandomRanking = "random";

    /// <summary>
    /// A ranking's comprehensiveness AOPC minus the random ranking's on the same text: the paired comparison with chance,
    /// whose interval is narrower than the two separate ones because the text's own difficulty cancels.
    /// </summary>
    public const string ComprehensivenessOverRandom = "comprehensiveness_minus_random";

    /// <summary>A ranking's sufficiency AOPC minus the random ranking's on the same text (negative is more faithful).</summary>
    public const string SufficiencyOverRandom = "sufficiency_minus_random";

    /// <summary>The bin code of an AOPC (the mean over the bins) in <see cref="ExplanationRow.K"/>.</summary>
    public const int Aopc = 0;

    /// <summary>The k of top-k figures that is a share of the text (10% of its tokens, at least 1), rather than a count.</summary>
    public const int TenPercent = -10;

    /// <summary>The pairs of rankings whose agreement is measured: attention against each attribution, and two attributions against each other for scale.</summary>
    public static IReadOnlyList<(string A, string B)> Agreements { get; } =
    [
        (Explainer.AttentionMethod, Explainer.GradientMethod),
        (Explainer.AttentionMethod, Explainer.IntegratedGradientsMethod),
        (Explainer.AttentionMethod, Explainer.LeaveOneOutMethod),
        (Explainer.IntegratedGradientsMethod, Explainer.LeaveOneOutMethod),
    ];

    /// <summary>The name of an agreement pair.</summary>
    public static string PairName((string A, string B) pair) => $"{pair.A} ~ {pair.B}";

    /// <summary>The rankings whose faithfulness and plausibility are measured: the four methods and chance.</summary>
    public static IReadOnlyList<string> Rankings { get; } = [.. Explainer.Methods, RandomRanking];

    /// <summary>The k of top-k overlaps: the first token, the first three, and 10% of the text.</summary>
    public static IReadOnlyList<int> OverlapKs { get; } = [1, 3, TenPercent];

    /// <summary>The tokens a top-k figure compares for a text of <paramref name="length"/> tokens.</summary>
    public static int TokensFor(int k, int length) => k == TenPercent ? Math.Max(1, (int)Math.Round(0.1 * length, MidpointRounding.AwayFromZero)) : k;

    /// <summary>
    /// The marked tokens of a text that a plausibility score is held against: the phrase a person marked (tweets), or the
    /// generator's evidence with, in a distractor text, the negator "not" too, since it decides the class as well (synthetic);
    /// null when the text has none, or when the whole text is marked (so no ranking can do better than another), or for
    /// the tweets' neutral class, whose phrase is the whole tweet nine times in ten.
    /// </summary>
    public static int[]? Marked(Example example, IReadOnlyList<string> tokens, string corpus, IReadOnlyList<string> classNames)
    {
        if (example.Evidence is not { Count: > 0 } evidence || (corpus == Corpora.Tweets && classNames[example.Label] == "neutral"))
        {
            return null;
        }

        var marked = evidence.Where(p => p < tokens.Count).ToHashSet();
        if (corpus == Corpora.Synthetic)
        {
            for (var t = 0; t + 1 < tokens.Count; t++)
            {
                if (tokens[t] == SyntheticCorpus.Negation)
                {
                    marked.Add(t);
                }
            }
        }

        return marked.Count == 0 || marked.Count >= tokens.Count ? null : [.. marked.Order()];
    }

    /// <summary>
    /// Measures one model on the texts at <paramref name="sample"/> of its test split, and its attention interventions on
    /// the whole split. <paramref name="source"/> holds the split's examples (for their marked tokens).
    /// </summary>
    /// <param name="dataset">The corpus's name (the synthetic corpus and the tweets mark their evidence in their own ways: <see cref="Marked"/>).</param>
    /// <param name="testSet">Names the sample (the split's fingerprint), so models that explained the same texts can be paired.</param>
    /// <param name="randomSeed">Seeds the random ranking and the permutations, so a rerun gives the same figures.</param>
    public static ModelMeasurements Measure(string dataset, int seed, Predictor predictor, IReadOnlyList<EncodedExample> split, IReadOnlyList<Example> source,
        IReadOnlyList<int> sample, string testSet, ExplainOptions options, int randomSeed)
    {
        var texts = Explainer.Truncated(predictor, sample.Select(i => split[i]).ToList());
        var values = new Dictionary<(string, string, int), double[]>();
        double[] Slot(string measure, string method, int k)
        {
            var key = (measure, method, k);
            return values.TryGetValue(key, out var slot) ? slot : values[key] = Enumerable.Repeat(double.NaN, texts.Count).ToArray();
        }

        var original = predictor.PredictEach(texts);
        var explanations = Explainer.Explain(predictor, texts, options, original);
        var random = new Random(randomSeed);
        var randomScores = explanations.Select(e => Ranking.RandomScores(e.Tokens.Count, random)).ToList();
        IReadOnlyList<double> ScoresOf(string method, int i) => method == RandomRanking ? randomScores[i] : explanations[i].Scores(method);

        // Integrated gradients: did the logit version meet its tolerance, and would the probability version at 32 steps have?
        var before = ProbabilityGaps(predictor, texts, original, options);
        for (var i = 0; i < texts.Count; i++)
        {
            Slot(IncompleteAfter, Explainer.IntegratedGradientsMethod, 0)[i] = explanations[i].Complete ? 0 : 1;
            Slot(IncompleteBefore, Explainer.IntegratedGradientsMethod, 0)[i] = options.Meets(before[i].Gap, before[i].Change) ? 0 : 1;
            Slot(Steps, Explainer.IntegratedGradientsMethod, 0)[i] = explanations[i].Steps;
            Slot(Accuracy, "sample", 0)[i] = explanations[i].Correct ? 1 : 0;
        }

        // Faithfulness.
        var rankings = Rankings.ToDictionary(m => m, m => (IReadOnlyList<IReadOnlyList<double>>)Enumerable.Range(0, texts.Count).Select(i => ScoresOf(m, i)).ToList());
        var faithfulness = Faithfulness.Measure(predictor, texts, original, rankings);
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var (method, scores) in faithfulness[i])
            {
                Slot(Comprehensiveness, method, Aopc)[i] = scores.ComprehensivenessAopc;
                Slot(Sufficiency, method, Aopc)[i] = scores.SufficiencyAopc;
                for (var b = 0; b < Faithfulness.Bins.Count; b++)
                {
                    var percent = (int)Math.Round(100 * Faithfulness.Bins[b]);
                    Slot(Comprehensiveness, method, percent)[i] = scores.Comprehensiveness[b];
                    Slot(Sufficiency, method, percent)[i] = scores.Sufficiency[b];
                }
            }

            var chance = faithfulness[i][RandomRanking];
            foreach (var (method, scores) in faithfulness[i].Where(f => f.Key != RandomRanking))
            {
                Slot(ComprehensivenessOverRandom, method, Aopc)[i] = scores.ComprehensivenessAopc - chance.ComprehensivenessAopc;
                Slot(SufficiencyOverRandom, method, Aopc)[i] = scores.SufficiencyAopc - chance.SufficiencyAopc;
            }
        }

        // Agreement between rankings.
        for (var i = 0; i < texts.Count; i++)
        {
            var e = explanations[i];
            if (e.Tokens.Count < 2)
            {
                continue;
            }

            foreach (var pair in Agreements)
            {
                Slot(Tau, PairName(pair), 0)[i] = Ranking.KendallTau(e.Scores(pair.A), e.Scores(pair.B));
                foreach (var k in OverlapKs)
                {
                    Slot(Overlap, PairName(pair), k)[i] = Ranking.TopKOverlap(e.Scores(pair.A), e.Scores(pair.B), TokensFor(k, e.Tokens.Count));
                }
            }

            foreach (var k in OverlapKs)
            {
                Slot(Overlap, PairName((Explainer.AttentionMethod, RandomRanking)), k)[i] = Ranking.TopKOverlap(e.Attention, randomScores[i], TokensFor(k, e.Tokens.Count));
            }
        }

        // Plausibility, on the texts the model got right: there the marked tokens are what decided, while on a mistake
        // (or a noisy label) they argue against the predicted class, which a signed attribution rightly ranks last.
        for (var i = 0; i < texts.Count; i++)
        {
            var e = explanations[i];
            if (!e.Correct || Marked(source[e.Index], e.Tokens, dataset, predictor.ClassNames) is not { } marked)
            {
                continue;
            }

            foreach (var method in Rankings)
            {
                Slot(Plausibility, method, 0)[i] = Ranking.AveragePrecision(ScoresOf(method, i), marked);
                Slot(RecallAtR, method, 0)[i] = Ranking.TopKOverlap(ScoresOf(method, i), [.. Enumerable.Range(0, e.Tokens.Count).Select(t => marked.Contains(t) ? 1.0 : 0.0)], marked.Length);
            }

            Slot(PlausibilityChance, "chance", 0)[i] = Ranking.ChanceAveragePrecision(e.Tokens.Count, marked.Length);
            Slot(RecallAtR, "chance", 0)[i] = (double)marked.Length / e.Tokens.Count;
        }

        // Does the model use its weights? Replace them at inference, on the whole test split.
        var pool = predictor.Model.Pooling;
        if (pool.HasAttention)
        {
            var whole = Explainer.Truncated(predictor, split);
            var trained = predictor.PredictEach(whole);
            foreach (var intervention in new[] { AttentionIntervention.Uniform, AttentionIntervention.Permuted })
            {
                pool.Intervention = intervention;
                try
                {
                    TorchSharp.torch.manual_seed(randomSeed);
                    var changed = predictor.PredictEach(whole);
                    values[(InterventionChange, intervention.ToString().ToLowerInvariant(), 0)] =
                        [.. changed.Select((p, i) => (p.Predicted == p.Label ? 1.0 : 0.0) - (trained[i].Predicted == trained[i].Label ? 1.0 : 0.0))];
                }
                finally
                {
                    pool.Intervention = AttentionIntervention.None;
                }
            }
        }

        return new ModelMeasurements(dataset, predictor.Model.Config.Pooling, seed, testSet, values, explanations);
    }

    /// <summary>
    /// Integrated gradients as a fixed-step implementation runs them: on the predicted class's probability with 32 steps. Its gap and
    /// change per text, to show how many texts that version leaves incomplete.
    /// </summary>
    public static List<(double Gap, double Change)> ProbabilityGaps(Predictor predictor, IReadOnlyList<EncodedExample> texts, IReadOnlyList<Prediction> original,
        ExplainOptions options, int steps = 32)
    {
        var results = new (double, double)[texts.Count];
        foreach (var sameLength in Enumerable.Range(0, texts.Count).GroupBy(i => texts[i].Ids.Length))
        {
            foreach (var chunk in sameLength.Chunk(options.BatchSize))
            {
                using var scope = TorchSharp.torch.NewDisposeScope();
                var L = texts[chunk[0]].Ids.Length;
                var ids = TorchSharp.torch.tensor(chunk.SelectMany(i => texts[i].Ids).ToArray(), [chunk.Length, L]);
                var lengths = TorchSharp.torch.full(chunk.Length, L, dtype: TorchSharp.torch.ScalarType.Int64);
                var target = TorchSharp.torch.tensor(chunk.Select(i => (long)original[i].Predicted).ToArray());
                var (atText, atBaseline) = Attributions.Ends(predictor.Model, ids, lengths, target, AttributionOutput.Probability);
                var change = (atText - atBaseline).data<double>().ToArray();
                var sums = Attributions.IntegratedGradients(predictor.Model, ids, lengths, target, steps).sum(1).data<double>().ToArray();
                for (var r = 0; r < chunk.Length; r++)
                {
                    results[chunk[r]] = (sums[r] - change[r], change[r]);
                }
            }
        }

        return [.. results];
    }

    /// <summary>
    /// Agreement across seeds (Wiegreffe &amp; Pinter's yardstick): for two models of one pooling that explained the same
    /// texts, the top-k overlap of their attention (and of their integrated gradients), text by text.
    /// </summary>
    public static Dictionary<(string Measure, string Method, int K), double[]> AcrossSeeds(ModelMeasurements a, ModelMeasurements b)
    {
        if (a.TestSet != b.TestSet || a.Explanations.Count != b.Explanations.Count)
        {
            throw new ArgumentException($"seeds {a.Seed} and {b.Seed} explained different texts ({a.TestSet}, {b.TestSet}).");
        }

        var values = new Dictionary<(string, string, int), double[]>();
        foreach (var method in new[] { Explainer.AttentionMethod, Explainer.IntegratedGradientsMethod })
        {
            foreach (var k in OverlapKs)
            {
                values[(SeedOverlap, method, k)] = [.. a.Explanations.Zip(b.Explanations, (x, y) =>
                    x.Tokens.Count < 2 ? double.NaN : Ranking.TopKOverlap(x.Scores(method), y.Scores(method), TokensFor(k, x.Tokens.Count)))];
            }
        }

        return values;
    }

    /// <summary>
    /// Agreement across seeds for every model that shares its texts with other seeds of its pooling: text by text, its
    /// mean agreement (<see cref="AcrossSeeds(ModelMeasurements, ModelMeasurements)"/>) with each of those seeds. One unit
    /// per seed, not per pair: a seed takes part in every pair it belongs to, so pairs are not independent, and resampling
    /// them as if they were would narrow the interval. The mean over seeds is the mean over pairs.
    /// </summary>
    public static List<(string Dataset, string Pooling, string TestSet, int Seed, IReadOnlyDictionary<(string Measure, string Method, int K), double[]> Values)> AcrossSeeds(
        IReadOnlyList<ModelMeasurements> models)
    {
        var result = new List<(string, string, string, int, IReadOnlyDictionary<(string, string, int), double[]>)>();
        foreach (var group in models.GroupBy(m => (m.Dataset, m.Pooling, m.TestSet)).Where(g => g.Count() > 1))
        {
            var seeds = group.ToList();
            var pairs = seeds.SelectMany((a, i) => seeds.Skip(i + 1).Select(b => (a.Seed, b.Seed, Values: AcrossSeeds(a, b)))).ToList();
            foreach (var model in seeds)
            {
                var own = pairs.Where(p => p.Item1 == model.Seed || p.Item2 == model.Seed).Select(p => p.Values).ToList();
                var values = own[0].Keys.ToDictionary(key => key, key =>
                    Enumerable.Range(0, own[0][key].Length).Select(i => own.Average(p => p[key][i])).ToArray());
                result.Add((model.Dataset, model.Pooling, model.TestSet, model.Seed, values));
            }
        }

        return result;
    }

    /// <summary>Each model's figures averaged over its texts: the rows of the results file.</summary>
    public static List<ExplanationRow> Rows(IEnumerable<ModelMeasurements> models) =>
        models.SelectMany(m => m.Values.Select(v =>
        {
            var known = v.Value.Where(x => !double.IsNaN(x)).ToList();
            return new ExplanationRow(m.Dataset, m.Pooling, m.Seed, v.Key.Measure, v.Key.Method, v.Key.K, known.Count == 0 ? double.NaN : known.Average(), known.Count);
        })).ToList();

    /// <summary>
    /// Every figure over seeds and texts, with a 95% interval from the two-level bootstrap
    /// (<see cref="TwoLevelBootstrap"/>): models that explained the same texts are crossed with them; a figure computed
    /// on a text subset of each model's own (plausibility, on the texts it got right) takes each model as a cluster.
    /// </summary>
    /// <param name="acrossSeeds">Each model's agreement with the other seeds of its pooling, from <see cref="AcrossSeeds(IReadOnlyList{ModelMeasurements})"/>.</param>
    public static List<ExplanationSummary> Summarise(IReadOnlyList<ModelMeasurements> models,
        IReadOnlyList<(string Dataset, string Pooling, string TestSet, int Seed, IReadOnlyDictionary<(string Measure, string Method, int K), double[]> Values)>? acrossSeeds = null)
    {
        var units = models.SelectMany(m => m.Values.Select(v => (m.Dataset, m.Pooling, v.Key, Unit: m.Seed, m.TestSet, v.Value)))
            .Concat((acrossSeeds ?? []).SelectMany(p => p.Values.Select(v => (p.Dataset, p.Pooling, v.Key, Unit: p.Seed, p.TestSet, v.Value))));
        var summaries = new List<ExplanationSummary>();
        foreach (var group in units.GroupBy(u => (u.Dataset, u.Pooling, u.Key)))
        {
            var list = group.ToList();
            // Values a measure leaves out for some texts (NaN) make the texts differ between models: each model is then a cluster.
            var aligned = list.All(u => u.Value.All(x => !double.IsNaN(x)));
            var seeds = list.Select(u => u.Value.Where(x => !double.IsNaN(x)).ToArray()).ToList();
            if (seeds.Any(s => s.Length == 0))
            {
                continue;
            }

            var estimate = TwoLevelBootstrap.Estimate(list.Select((u, i) => new SeedValues(u.Unit, aligned ? u.TestSet : $"{u.TestSet}/{u.Unit}", seeds[i])).ToList());
            var (low, high) = estimate.Interval();
            summaries.Add(new ExplanationSummary(group.Key.Dataset, group.Key.Pooling, group.Key.Key.Measure, group.Key.Key.Method, group.Key.Key.K,
                estimate.Mean, low, high, list.Count, seeds.Sum(s => s.Length)));
        }

        return summaries;
    }
}
