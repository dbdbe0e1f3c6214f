using TextAttention.Inference;
using TextAttention.Text;
using static TorchSharp.torch;

namespace TextAttention.Explanation;

/// <summary>One text as a trained model read it, with four answers to "which tokens mattered", in token order.</summary>
/// <param name="Index">The text's index in its split.</param>
/// <param name="Label">The true class.</param>
/// <param name="Predicted">The class the model chose; every attribution explains its output.</param>
/// <param name="Probability">Its probability.</param>
/// <param name="Attention">The pooling's weights scaled to sum to 1 (<see cref="Prediction.NormalisedWeights"/>).</param>
/// <param name="GradientTimesInput">See <see cref="Attributions.GradientTimesInput"/>, on the predicted class's logit.</param>
/// <param name="IntegratedGradients">Integrated gradients of the predicted class's logit, over the refined partition of <see cref="PathIntegral"/>.</param>
/// <param name="LeaveOneOut">See <see cref="Attributions.LeaveOneOut"/>: the probability lost without each token.</param>
/// <param name="Change">f(x) − f(x′): the predicted class's logit at the text minus at the all-zero baseline.</param>
/// <param name="CompletenessGap">Σ integrated gradients − <paramref name="Change"/>: what the Riemann sum misses.</param>
/// <param name="Steps">The intervals of the partition integrated gradients ended with (<see cref="PathIntegral"/>).</param>
/// <param name="Complete">Whether the midpoint rule's errors, summed over the intervals, met the tolerance (<see cref="ExplainOptions"/>); then |gap| meets it too.</param>
public sealed record TokenExplanation(
    int Index,
    IReadOnlyList<string> Tokens,
    int Label,
    int Predicted,
    double Probability,
    double[] Attention,
    double[] GradientTimesInput,
    double[] IntegratedGradients,
    double[] LeaveOneOut,
    double Change,
    double CompletenessGap,
    int Steps,
    bool Complete)
{
    public bool Correct => Predicted == Label;

    /// <summary>The scores of the ranking called <paramref name="method"/>: one of <see cref="Explainer.Methods"/>.</summary>
    public double[] Scores(string method) => method switch
    {
        Explainer.AttentionMethod => Attention,
        Explainer.GradientMethod => GradientTimesInput,
        Explainer.IntegratedGradientsMethod => IntegratedGradients,
        Explainer.LeaveOneOutMethod => LeaveOneOut,
        _ => throw new ArgumentException($"'{method}' is not a ranking; choose one of {string.Join(", ", Explainer.Methods)}.", nameof(method)),
    };
}

/// <summary>A text's path, as <see cref="Explainer.Trace"/> measured it.</summary>
/// <param name="Alphas">Evenly spaced points of [0, 1].</param>
/// <param name="Logits">The predicted class's logit at each α·x.</param>
/// <param name="Refined">Integrated gradients over the refined partition.</param>
/// <param name="UniformGapFirst">The completeness gap of a uniform sum with <see cref="ExplainOptions.FirstSteps"/> steps.</param>
/// <param name="UniformGapSame">The gap of a uniform sum with as many steps as <paramref name="Refined"/> took.</param>
/// <param name="Change">f(x) − f(0).</param>
public sealed record PathTrace(double[] Alphas, double[] Logits, PathResult Refined, double UniformGapFirst, double UniformGapSame, double Change);

/// <summary>
/// How integrated gradients is run (<see cref="PathIntegral"/>): it starts with <see cref="FirstSteps"/> equal intervals and
/// halves those whose midpoint rule errs by more than their share of the tolerance, <see cref="RelativeTolerance"/> ·
/// |f(x) − f(x′)| + <see cref="AbsoluteTolerance"/> (logit units), up to <see cref="MaxSteps"/> intervals; texts that never
/// get there are reported.
/// </summary>
public sealed record ExplainOptions(int FirstSteps = 32, int MaxSteps = 1024, double RelativeTolerance = 0.01, double AbsoluteTolerance = 0.01, int BatchSize = 64)
{
    /// <summary>Whether a gap meets the tolerance for a change of <paramref name="change"/>.</summary>
    public bool Meets(double gap, double change) => Math.Abs(gap) <= Tolerance(change);

    /// <summary>The tolerance for a change of <paramref name="change"/> in f.</summary>
    public double Tolerance(double change) => RelativeTolerance * Math.Abs(change) + AbsoluteTolerance;
}

/// <summary>
/// Explains a trained model's decisions text by text: the pooling's weights beside gradient × input and integrated
/// gradients (both on the predicted class's logit) and leave-one-out (on its probability). Texts are read alone (batched
/// only with texts of the same length), as <see cref="Predictor.Predict(IEnumerable{string})"/> reads them, so no
/// pooling sees padding.
/// </summary>
public static class Explainer
{
    public const string AttentionMethod = "attention";
    public const string GradientMethod = "gradient × input";
    public const string IntegratedGradientsMethod = "integrated gradients";
    public const string LeaveOneOutMethod = "leave-one-out";

    /// <summary>The rankings compared in notebook 07, attention first.</summary>
    public static IReadOnlyList<string> Methods { get; } = [AttentionMethod, GradientMethod, IntegratedGradientsMethod, LeaveOneOutMethod];

    /// <param name="predictions">The predictor's <see cref="Predictor.PredictEach"/> of the same examples when the caller has them already; read here otherwise.</param>
    public static List<TokenExplanation> Explain(Predictor predictor, IReadOnlyList<EncodedExample> examples, ExplainOptions? options = null,
        IReadOnlyList<Prediction>? predictions = null)
    {
        var o = options ?? new ExplainOptions();
        examples = Truncated(predictor, examples);
        var model = predictor.Model;
        predictions ??= predictor.PredictEach(examples);
        var results = new TokenExplanation[examples.Count];
        foreach (var sameLength in Enumerable.Range(0, examples.Count).GroupBy(i => examples[i].Ids.Length))
        {
            foreach (var chunk in sameLength.Chunk(o.BatchSize))
            {
                using var scope = NewDisposeScope();
                var L = examples[chunk[0]].Ids.Length;
                var ids = tensor(chunk.SelectMany(i => examples[i].Ids).ToArray(), [chunk.Length, L]);   // (B, L)
                var lengths = full(chunk.Length, L, dtype: ScalarType.Int64);                                 // (B)
                var target = tensor(chunk.Select(i => (long)predictions[i].Predicted).ToArray());            // (B)
                var gradient = Attributions.GradientTimesInput(model, ids, lengths, target, AttributionOutput.Logit).data<double>().ToArray();
                var (atText, atBaseline) = Attributions.Ends(model, ids, lengths, target, AttributionOutput.Logit);
                double[] f1 = atText.data<double>().ToArray(), f0 = atBaseline.data<double>().ToArray();
                var integrated = PathIntegral.Integrate(Attributions.Path(model, ids, lengths, target, AttributionOutput.Logit), f0, f1, o);
                var leaveOneOut = Attributions.LeaveOneOut(model, ids, lengths, target).data<double>().ToArray();
                for (var r = 0; r < chunk.Length; r++)
                {
                    var i = chunk[r];
                    var p = predictions[i];
                    double[] Row(double[] values) => values.AsSpan(r * L, L).ToArray();
                    results[i] = new TokenExplanation(examples[i].Index, p.Tokens, (int)examples[i].Label, p.Predicted, p.Probabilities[p.Predicted],
                        [.. p.NormalisedWeights], Row(gradient), integrated[r].Scores, Row(leaveOneOut), f1[r] - f0[r], integrated[r].Gap, integrated[r].Steps, integrated[r].Complete);
                }
            }
        }

        return [.. results];
    }

    /// <summary>
    /// One text's path from the baseline, for a figure: the predicted class's logit at <paramref name="points"/> evenly
    /// spaced α, the partition integrated gradients refined (<see cref="PathIntegral"/>), and the completeness gaps of
    /// uniform midpoint sums with <see cref="ExplainOptions.FirstSteps"/> steps and with as many steps as the refined one.
    /// </summary>
    public static PathTrace Trace(Predictor predictor, EncodedExample example, int predicted, ExplainOptions? options = null, int points = 2001)
    {
        var o = options ?? new ExplainOptions();
        var text = Truncated(predictor, [example])[0];
        var model = predictor.Model;
        using var scope = NewDisposeScope();
        var ids = tensor(text.Ids, [1, text.Ids.Length]);
        var lengths = full(1, text.Ids.Length, dtype: ScalarType.Int64);
        var target = tensor(new long[] { predicted });
        var (atText, atBaseline) = Attributions.Ends(model, ids, lengths, target, AttributionOutput.Logit);
        double f0 = atBaseline.item<double>(), f1 = atText.item<double>();
        var path = Attributions.Path(model, ids, lengths, target, AttributionOutput.Logit);
        var refined = PathIntegral.Integrate(path, [f0], [f1], o)[0];
        var alphas = Enumerable.Range(0, points).Select(k => (double)k / (points - 1)).ToArray();
        var values = path.Values([.. alphas.Skip(1).SkipLast(1).Select(a => (0, a))]);
        double UniformGap(int steps) => Attributions.IntegratedGradients(model, ids, lengths, target, steps, output: AttributionOutput.Logit).sum().item<double>() - (f1 - f0);
        return new PathTrace(alphas, [f0, .. values, f1], refined, UniformGap(Math.Max(1, o.FirstSteps)), UniformGap(refined.Steps), f1 - f0);
    }

    /// <summary>The examples cut to the predictor's maximum length, as <see cref="Predictor.PredictEach"/> reads them, so every score lines up with a token.</summary>
    public static IReadOnlyList<EncodedExample> Truncated(Predictor predictor, IReadOnlyList<EncodedExample> examples) =>
        examples.Any(e => e.Ids.Length > predictor.MaxLength)
            ? examples.Select(e => e.Ids.Length > predictor.MaxLength ? e with { Ids = e.Ids[..predictor.MaxLength] } : e).ToList()
            : examples;
}
