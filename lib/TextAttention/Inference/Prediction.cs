namespace TextAttention.Inference;

/// <summary>What a trained classifier says about one text, with what its pooling looked at.</summary>
/// <param name="Tokens">The L tokens the model read (after truncation), as the tokenizer produced them.</param>
/// <param name="Predicted">The class with the highest probability.</param>
/// <param name="PredictedName">Its name.</param>
/// <param name="Probabilities">softmax(logits), one per class (K).</param>
/// <param name="Weights">
/// The pooling's weight on each of the L tokens (<see cref="Attention.PoolingOutput.Weights"/>): α_t for HAN,
/// the column sums c_j of A for attention_1, 1/L for mean pooling.
/// </param>
/// <param name="WeightSum">
/// The weights' total over every position of the batch the text was in. It equals the sum of
/// <paramref name="Weights"/> except when an unmasked pooling also weighed padding, which
/// <see cref="Predictor.Predict(IEnumerable{string})"/> never adds.
/// </param>
/// <param name="Matrix">For self-attention poolings, the L × L matrix A (row i: query i's weights over the keys); else null.</param>
/// <param name="ContextNorm">‖context‖, the Euclidean length of the pooled vector that the classifier's head reads.</param>
/// <param name="Label">The true class when the text came with one; else null.</param>
/// <param name="Index">The text's position in what was passed in (or its index in its split, for encoded examples).</param>
public sealed record Prediction(
    IReadOnlyList<string> Tokens,
    int Predicted,
    string PredictedName,
    float[] Probabilities,
    float[] Weights,
    float WeightSum,
    float[,]? Matrix,
    float ContextNorm,
    int? Label,
    int Index)
{
    /// <summary>The weights scaled to sum to 1 over the text's tokens and any padding the pooling weighed.</summary>
    public IReadOnlyList<double> NormalisedWeights => Weights.Select(w => (double)(w / MathF.Max(WeightSum, 1e-12f))).ToArray();

    /// <summary>The <paramref name="count"/> tokens with the largest weights, largest first (ties by position).</summary>
    public IReadOnlyList<(string Token, int Position, float Weight)> Top(int count) =>
        Weights.Select((w, t) => (Tokens[t], t, w)).OrderByDescending(x => x.w).ThenBy(x => x.t).Take(count).ToList();
}
