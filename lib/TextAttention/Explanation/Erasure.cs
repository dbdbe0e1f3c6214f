using TextAttention.Inference;
using TextAttention.Text;

namespace TextAttention.Explanation;

/// <summary>What deleting the k highest-ranked tokens of every text does to a model's decisions.</summary>
/// <param name="K">Tokens asked to be deleted per text (a text keeps at least one token).</param>
/// <param name="Accuracy">Accuracy on the shortened texts.</param>
/// <param name="FlipRate">The share of texts whose predicted class changed.</param>
public sealed record ErasureResult(string Ranking, int K, double Accuracy, double FlipRate);

/// <summary>
/// Erasure in the manner of Serrano &amp; Smith (2019): rank each text's tokens by a score (attention, an attribution
/// or chance), delete the top k, and read the shortened text again, alone. A ranking that finds what the decision
/// rests on flips more decisions with fewer deletions than a random one.
/// </summary>
public static class Erasure
{
    /// <param name="scores">Per example, in the order of <paramref name="examples"/>: one score per token.</param>
    /// <param name="original">The predictions on the unshortened texts (from <see cref="Predictor.PredictEach"/>), to count flips against.</param>
    public static ErasureResult Run(Predictor predictor, IReadOnlyList<EncodedExample> examples, IReadOnlyList<IReadOnlyList<double>> scores,
        IReadOnlyList<Prediction> original, int k, string ranking) =>
        Curves(predictor, examples, new Dictionary<string, IReadOnlyList<IReadOnlyList<double>>> { [ranking] = scores }, original, [k]).Single();

    /// <summary>
    /// <see cref="Run"/> for several rankings and numbers of deleted tokens at once: every shortened text goes through
    /// one <see cref="Predictor.PredictEach"/> call, so texts of the same length share batches. Results come ranking by
    /// ranking, k by k, in the order given.
    /// </summary>
    public static List<ErasureResult> Curves(Predictor predictor, IReadOnlyList<EncodedExample> examples,
        IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<double>>> rankings, IReadOnlyList<Prediction> original, IReadOnlyList<int> ks)
    {
        if (original.Count != examples.Count || rankings.Values.Any(s => s.Count != examples.Count))
        {
            throw new ArgumentException($"{examples.Count} examples need as many score rows per ranking and predictions; got {string.Join(", ", rankings.Select(r => $"{r.Key}: {r.Value.Count}"))} and {original.Count}.");
        }

        if (ks.Any(k => k < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ks), string.Join(", ", ks), "every k must be 0 or more.");
        }

        var shortened = new List<EncodedExample>();
        foreach (var (ranking, scores) in rankings)
        {
            foreach (var k in ks)
            {
                shortened.AddRange(examples.Select((e, i) =>
                {
                    if (scores[i].Count != e.Ids.Length)
                    {
                        throw new ArgumentException($"{ranking}: example {e.Index} has {e.Ids.Length} tokens but {scores[i].Count} scores.", nameof(rankings));
                    }

                    var drop = Ranking.Top(scores[i], Math.Min(k, e.Ids.Length - 1)).ToHashSet();
                    return e with { Ids = e.Ids.Where((_, t) => !drop.Contains(t)).ToArray() };
                }));
            }
        }

        var after = predictor.PredictEach(shortened);
        var n = examples.Count;
        var results = new List<ErasureResult>();
        var block = 0;
        foreach (var ranking in rankings.Keys)
        {
            foreach (var k in ks)
            {
                var mine = after.Skip(block++ * n).Take(n).ToList();
                results.Add(new ErasureResult(ranking, k,
                    mine.Count(p => p.Predicted == p.Label) / (double)Math.Max(1, n),
                    mine.Where((p, i) => p.Predicted != original[i].Predicted).Count() / (double)Math.Max(1, n)));
            }
        }

        return results;
    }
}
