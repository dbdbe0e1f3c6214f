using TextAttention.Inference;
using TextAttention.Text;

namespace TextAttention.Explanation;

/// <summary>One text's comprehensiveness and sufficiency under one ranking, bin by bin (<see cref="Faithfulness.Bins"/>).</summary>
/// <param name="Comprehensiveness">p(c | x) − p(c | x without its top-ranked tokens), per bin: high when the ranking found what the decision rests on.</param>
/// <param name="Sufficiency">p(c | x) − p(c | only its top-ranked tokens), per bin: low when those tokens suffice on their own.</param>
public sealed record FaithfulnessScores(double[] Comprehensiveness, double[] Sufficiency)
{
    /// <summary>Comprehensiveness averaged over the bins: the area over the perturbation curve.</summary>
    public double ComprehensivenessAopc => Comprehensiveness.Average();

    /// <summary>Sufficiency averaged over the bins.</summary>
    public double SufficiencyAopc => Sufficiency.Average();
}

/// <summary>
/// Faithfulness as ERASER measures it (DeYoung et al., 2020): for a ranking of a text's tokens and a share b of them,
/// comprehensiveness is how much the predicted class c loses when the top ⌈·⌉ b·L tokens are deleted, and sufficiency
/// how much it loses when only they are kept, both in probability; each is averaged over the bins 1, 5, 10, 20 and 50%
/// (the AOPC). Here b·L is rounded to the nearest whole token, at least 1, and comprehensiveness keeps at least one
/// token. Every shortened text is read alone, as the model reads any text.
/// </summary>
public static class Faithfulness
{
    /// <summary>ERASER's shares of the tokens.</summary>
    public static IReadOnlyList<double> Bins { get; } = [0.01, 0.05, 0.10, 0.20, 0.50];

    /// <summary>How many tokens a share <paramref name="bin"/> of <paramref name="length"/> is: the nearest whole number, at least 1.</summary>
    public static int Tokens(double bin, int length) => Math.Max(1, (int)Math.Round(bin * length, MidpointRounding.AwayFromZero));

    /// <summary>
    /// Every text's scores under every ranking. <paramref name="rankings"/> gives, per ranking, one score per token of
    /// each text (in the order of <paramref name="examples"/>); <paramref name="original"/> the predictions on the whole
    /// texts (their predicted class is the one explained).
    /// </summary>
    /// <returns>Per text, per ranking name.</returns>
    /// <exception cref="ArgumentException">The rankings or predictions do not line up with the texts.</exception>
    public static List<Dictionary<string, FaithfulnessScores>> Measure(Predictor predictor, IReadOnlyList<EncodedExample> examples,
        IReadOnlyList<Prediction> original, IReadOnlyDictionary<string, IReadOnlyList<IReadOnlyList<double>>> rankings)
    {
        if (original.Count != examples.Count || rankings.Values.Any(s => s.Count != examples.Count))
        {
            throw new ArgumentException($"{examples.Count} texts need as many predictions and score rows per ranking; got {original.Count} and {string.Join(", ", rankings.Select(r => $"{r.Key}: {r.Value.Count}"))}.");
        }

        // Every shortened text, in the order (text, ranking, bin, deleted-then-kept); one batched pass reads them all.
        var shortened = new List<EncodedExample>();
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            foreach (var (name, scores) in rankings)
            {
                if (scores[i].Count != e.Ids.Length)
                {
                    throw new ArgumentException($"{name}: text {e.Index} has {e.Ids.Length} tokens but {scores[i].Count} scores.", nameof(rankings));
                }

                foreach (var bin in Bins)
                {
                    var k = Tokens(bin, e.Ids.Length);
                    var deleted = Ranking.Top(scores[i], Math.Min(k, e.Ids.Length - 1)).ToHashSet();
                    var kept = Ranking.Top(scores[i], Math.Min(k, e.Ids.Length)).ToHashSet();
                    shortened.Add(e with { Ids = e.Ids.Where((_, t) => !deleted.Contains(t)).ToArray() });
                    shortened.Add(e with { Ids = e.Ids.Where((_, t) => kept.Contains(t)).ToArray() });
                }
            }
        }

        var read = predictor.PredictEach(shortened);
        var results = new List<Dictionary<string, FaithfulnessScores>>(examples.Count);
        var at = 0;
        for (var i = 0; i < examples.Count; i++)
        {
            var c = original[i].Predicted;
            var whole = original[i].Probabilities[c];
            var mine = new Dictionary<string, FaithfulnessScores>();
            foreach (var name in rankings.Keys)
            {
                var comprehensiveness = new double[Bins.Count];
                var sufficiency = new double[Bins.Count];
                for (var b = 0; b < Bins.Count; b++)
                {
                    comprehensiveness[b] = whole - read[at++].Probabilities[c];
                    sufficiency[b] = whole - read[at++].Probabilities[c];
                }

                mine[name] = new FaithfulnessScores(comprehensiveness, sufficiency);
            }

            results.Add(mine);
        }

        return results;
    }
}
