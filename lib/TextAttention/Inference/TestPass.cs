using TextAttention.Attention;
using TextAttention.Training;

namespace TextAttention.Inference;

/// <summary>What one pass over a labelled split yields (<see cref="Predictor.Score"/>).</summary>
/// <param name="Evaluation">Accuracy, macro-F1, loss and the predicted class of every item.</param>
/// <param name="Correct">Per item, in split order: '1' when the prediction is right, '0' when wrong.</param>
/// <param name="EvidenceMass">The mean share of the pooling's weight on the evidence positions; null when none were given.</param>
/// <param name="Attention">The self-attention matrices' statistics over the split; null when not asked for or not a self-attention pooling.</param>
public sealed record TestPass(Evaluation Evaluation, string Correct, double? EvidenceMass, AttentionStatistics? Attention);
