namespace TextAttention.Attention;

/// <summary>
/// What a self-attention matrix A (row i: query i's weights over the keys) looks like, averaged over texts: how
/// spread its rows are, how much each query keeps for itself, and how unequal the column sums
/// <c>c_j = Σ_i A_ij</c> are. The column sums are the weights that <c>attention_1</c>'s sum over the sequence
/// gives each token (<c>Σ_i (A x)_i = Σ_j c_j x_j</c>), so the last figure says whether it weights tokens
/// unequally at all. Reference points for a text of L tokens: the uniform matrix has relative entropy 1,
/// diagonal mass 1/L and column-sum CV 0; the identity has 0, 1 and 0.
/// </summary>
/// <param name="RowEntropy">Mean over texts and rows of H(row) / log L (rows renormalised over the L real keys).</param>
/// <param name="DiagonalMass">Mean over texts of the mean of A_ii.</param>
/// <param name="ColumnSumCv">Mean over texts of the coefficient of variation (population) of the column sums.</param>
/// <param name="UniformShare">Mean over texts of 1/L, the diagonal mass of the uniform matrix, for comparison.</param>
/// <param name="Texts">Texts of at least two tokens that went into the means.</param>
public sealed record AttentionStatistics(double RowEntropy, double DiagonalMass, double ColumnSumCv, double UniformShare, int Texts)
{
    /// <summary>The statistics of the given L × L matrices; texts shorter than two tokens are left out.</summary>
    public static AttentionStatistics Of(IEnumerable<float[,]> matrices) => Mean(matrices.Select(OfText));

    /// <summary>
    /// One text's figures (row entropy ÷ log L, diagonal mass, column-sum CV, 1/L); null for a text shorter than two
    /// tokens. <see cref="Mean"/> averages them, so a caller can compute them as texts come and average in a fixed order.
    /// </summary>
    public static (double Entropy, double Diagonal, double Cv, double Uniform)? OfText(float[,] a)
    {
        var length = a.GetLength(0);
        if (length < 2)
        {
            return null;
        }

        double rowEntropy = 0, diagonalSum = 0;
        var columns = new double[length];
        for (var i = 0; i < length; i++)
        {
            double total = 0;
            for (var j = 0; j < length; j++)
            {
                total += a[i, j];
            }

            for (var j = 0; j < length; j++)
            {
                var p = a[i, j] / total;
                rowEntropy -= p > 0 ? p * Math.Log(p) : 0;
                columns[j] += p;
            }

            diagonalSum += a[i, i] / total;
        }

        var mean = columns.Average();
        var std = Math.Sqrt(columns.Sum(c => (c - mean) * (c - mean)) / length);
        return (rowEntropy / length / Math.Log(length), diagonalSum / length, std / mean, 1.0 / length);
    }

    /// <summary>The mean of per-text figures (<see cref="OfText"/>), in the order given; texts without figures are left out.</summary>
    public static AttentionStatistics Mean(IEnumerable<(double Entropy, double Diagonal, double Cv, double Uniform)?> texts)
    {
        double entropy = 0, diagonal = 0, cv = 0, uniform = 0;
        var count = 0;
        foreach (var t in texts)
        {
            if (t is not { } text)
            {
                continue;
            }

            entropy += text.Entropy;
            diagonal += text.Diagonal;
            cv += text.Cv;
            uniform += text.Uniform;
            count++;
        }

        return count == 0
            ? new AttentionStatistics(double.NaN, double.NaN, double.NaN, double.NaN, 0)
            : new AttentionStatistics(entropy / count, diagonal / count, cv / count, uniform / count, count);
    }
}
