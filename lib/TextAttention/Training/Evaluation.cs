namespace TextAttention.Training;

/// <summary>Accuracy and macro-F1 from a confusion matrix; how a classifier did on one split.</summary>
/// <param name="Confusion">Confusion[true, predicted] counts.</param>
/// <param name="Loss">Mean cross-entropy over the split.</param>
public sealed record Evaluation(long[,] Confusion, double Loss)
{
    /// <summary>
    /// The predicted class of every example, in the order of the split (null when not recorded): for paired
    /// tests over items, such as a bootstrap over the test set.
    /// </summary>
    public IReadOnlyList<int>? Predicted { get; init; }

    public int Classes => Confusion.GetLength(0);

    public long Count
    {
        get
        {
            long total = 0;
            foreach (var n in Confusion)
            {
                total += n;
            }

            return total;
        }
    }

    /// <summary>Share of examples on the diagonal.</summary>
    public double Accuracy => Count == 0 ? 0 : Enumerable.Range(0, Classes).Sum(k => (double)Confusion[k, k]) / Count;

    /// <summary>
    /// The unweighted mean over classes of F1 = 2·precision·recall / (precision + recall); a class
    /// that is never true and never predicted is left out, one with no true positives scores 0.
    /// </summary>
    public double MacroF1
    {
        get
        {
            var scores = new List<double>();
            for (var k = 0; k < Classes; k++)
            {
                long truePositive = Confusion[k, k], actual = 0, predicted = 0;
                for (var j = 0; j < Classes; j++)
                {
                    actual += Confusion[k, j];
                    predicted += Confusion[j, k];
                }

                if (actual == 0 && predicted == 0)
                {
                    continue;
                }

                scores.Add(truePositive == 0 ? 0 : 2.0 * truePositive / (actual + predicted));
            }

            return scores.Count == 0 ? 0 : scores.Average();
        }
    }
}
