namespace TextAttention.Experiments;

/// <summary>A paired comparison of two poolings over the same seeds on one dataset.</summary>
/// <param name="MeanDifference">Mean over seeds of accuracy(A) − accuracy(B).</param>
/// <param name="Low">Lower end of the 95% confidence interval of the mean difference (paired t).</param>
/// <param name="High">Upper end of that interval.</param>
public sealed record PairedComparison(string Dataset, string A, string B, int Seeds, double MeanDifference, double Low, double High)
{
    /// <summary>The verdict in words: which is better, or that the data cannot tell.</summary>
    public string Verdict =>
        Seeds < 2 ? $"{Seeds} seed: no interval can be computed" :
        Low > 0 ? $"{A} is more accurate than {B} by {MeanDifference:P2} (95% CI {Low:P2} to {High:P2})" :
        High < 0 ? $"{B} is more accurate than {A} by {-MeanDifference:P2} (95% CI {-High:P2} to {-Low:P2})" :
        $"no clear difference: {A} − {B} = {MeanDifference:P2} (95% CI {Low:P2} to {High:P2} includes 0)";
}
