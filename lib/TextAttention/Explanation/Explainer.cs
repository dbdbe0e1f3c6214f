using TextAttention.Inference;
using TextAttention.Text;
using static TorchSharp.torch;

namespace TextAttention.Explanation;

/// <summary>One text as a trained model read it, with four answers to "which tokens mattered", in token order.</summary>
/// <param name="Index">The text's index in its split.</param>
/// <param name="Label">The true class.</param>
/// <param name="Predicted">The class the model chose; every attribution explains its probability.</param>
/// <param name="Probability">That probability, f(x).</param>
/// <param name="Attention">The pooling's weights scaled to sum to 1 (<see cref="Prediction.NormalisedWeights"/>).</param>
/// <param name="GradientTimesInput">See <see cref="Attributions.GradientTimesInput"/>.</param>
/// <param name="IntegratedGradients">See <see cref="Attributions.IntegratedGradients"/>.</param>
/// <param name="LeaveOneOut">See <see cref="Attributions.LeaveOneOut"/>.</param>
/// <param name="CompletenessGap">Σ integrated gradients − (f(x) − f(baseline)): how far the step count leaves completeness.</param>
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
    double CompletenessGap)
{
    /// <summary>The scores of the ranking called <paramref name="method"/>: one of <see cref="Explainer.Methods"/>.</summary>
    public double[] Scores(string method) => method switch
    {
        Explainer.AttentionMethod => Attention,
        Explainer.GradientMethod => GradientTimesInput,
        Explainer.IntegratedGradientsMethod => IntegratedGradients,
        Explainer.LeaveOneOutMethod => LeaveOneOut,
        Explainer.IntegratedGradientsMagnitude => IntegratedGradients.Select(Math.Abs).ToArray(),
        _ => throw new ArgumentException($"'{method}' is not a ranking; choose one of {string.Join(", ", Explainer.Methods)}.", nameof(method)),
    };
}

/// <summary>
/// Explains a trained model's decisions text by text: the pooling's weights beside gradient × input, integrated
/// gradients and leave-one-out, all for the predicted class. Texts are read alone (batched only with texts of the
/// same length), as <see cref="Predictor.Predict(IEnumerable{string})"/> reads them, so no pooling sees padding.
/// </summary>
public static class Explainer
{
    public const string AttentionMethod = "attention";
    public const string GradientMethod = "gradient × input";
    public const string IntegratedGradientsMethod = "integrated gradients";
    public const string LeaveOneOutMethod = "leave-one-out";

    /// <summary>Integrated gradients by magnitude: a token that argues strongly against the predicted class ranks high too (Jain &amp; Wallace's reading of importance).</summary>
    public const string IntegratedGradientsMagnitude = "|integrated gradients|";

    /// <summary>The rankings compared in notebook 07, attention first.</summary>
    public static IReadOnlyList<string> Methods { get; } = [AttentionMethod, GradientMethod, IntegratedGradientsMethod, LeaveOneOutMethod];

    /// <param name="steps">Integrated gradients' steps.</param>
    /// <param name="batchSize">Texts per batch.</param>
    /// <param name="predictions">The predictor's <see cref="Predictor.PredictEach"/> of the same examples when the caller has them already; read here otherwise.</param>
    public static List<TokenExplanation> Explain(Predictor predictor, IReadOnlyList<EncodedExample> examples, int steps = 32, int batchSize = 64,
        IReadOnlyList<Prediction>? predictions = null)
    {
        examples = Truncated(predictor, examples);
        var model = predictor.Model;
        predictions ??= predictor.PredictEach(examples);
        var results = new TokenExplanation[examples.Count];
        var positions = Enumerable.Range(0, examples.Count).ToList();
        foreach (var sameLength in positions.GroupBy(i => examples[i].Ids.Length))
        {
            foreach (var chunk in sameLength.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                var L = examples[chunk[0]].Ids.Length;
                var ids = tensor(chunk.SelectMany(i => examples[i].Ids).ToArray(), [chunk.Length, L]);   // (B, L)
                var lengths = full(chunk.Length, L, dtype: ScalarType.Int64);                                 // (B)
                var target = tensor(chunk.Select(i => (long)predictions[i].Predicted).ToArray());            // (B)
                var gradient = Attributions.GradientTimesInput(model, ids, lengths, target).data<double>().ToArray();
                var integrated = Attributions.IntegratedGradients(model, ids, lengths, target, steps).data<double>().ToArray();
                var baseline = Attributions.BaselineProbability(model, ids, lengths, target).data<double>().ToArray();
                var leaveOneOut = Attributions.LeaveOneOut(model, ids, lengths, target).data<double>().ToArray();
                for (var r = 0; r < chunk.Length; r++)
                {
                    var i = chunk[r];
                    var p = predictions[i];
                    double[] Row(double[] values) => values.AsSpan(r * L, L).ToArray();
                    var ig = Row(integrated);
                    var probability = p.Probabilities[p.Predicted];
                    results[i] = new TokenExplanation(examples[i].Index, p.Tokens, (int)examples[i].Label, p.Predicted, probability,
                        [.. p.NormalisedWeights], Row(gradient), ig, Row(leaveOneOut), ig.Sum() - (probability - baseline[r]));
                }
            }
        }

        return [.. results];
    }

    /// <summary>The examples cut to the predictor's maximum length, as <see cref="Predictor.PredictEach"/> reads them, so every score lines up with a token.</summary>
    public static IReadOnlyList<EncodedExample> Truncated(Predictor predictor, IReadOnlyList<EncodedExample> examples) =>
        examples.Any(e => e.Ids.Length > predictor.MaxLength)
            ? examples.Select(e => e.Ids.Length > predictor.MaxLength ? e with { Ids = e.Ids[..predictor.MaxLength] } : e).ToList()
            : examples;
}
