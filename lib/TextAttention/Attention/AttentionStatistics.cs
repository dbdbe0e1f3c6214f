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
    public static AttentionStatistics Of(IEnumerable<float[,]> matrices)
    {
        double entropy = 0, diagonal = 0, cv = 0, uniform = 0;
        var texts = 0;
        foreach (var a in matrices)
        {
            var length = a.GetLength(0);
            if (length < 2)
            {
                continue;
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
            entropy += rowEntropy / length / Math.Log(length);
            diagonal += diagonalSum / length;
            cv += std / mean;
            uniform += 1.0 / length;
            texts++;
        }

        return texts == 0
            ? new AttentionStatistics(double.NaN, double.NaN, double.NaN, double.NaN, 0)
            : new AttentionStatistics(entropy / texts, diagonal / texts, cv / texts, uniform / texts, texts);
    }
}
