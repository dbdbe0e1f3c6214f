using TextAttention.Attention;
using TextAttention.Models;
using static TorchSharp.torch;

namespace TextAttention.Explanation;

/// <summary>What an attribution explains: the target class's probability softmax(logits)[c], or its logit.</summary>
public enum AttributionOutput
{
    Probability,

    /// <summary>The target class's logit: linear in the pooled vector, so it does not saturate as a probability does.</summary>
    Logit,
}

/// <summary>
/// How much each token of a text contributed to the model's output for one class, by three methods that do not
/// look at the attention weights, so they can be held against them (notebook 07). The gradient methods explain
/// f(x), the target class's probability or logit (<see cref="AttributionOutput"/>); leave-one-out explains the
/// probability. All work on a right-padded batch: ids (B, T), lengths (B), target (B). Every result is (B, T) in
/// float64, 0 at padded positions.
/// <list type="bullet">
/// <item><see cref="GradientTimesInput"/>: Σ_e ∂f/∂x_te · x_te over the embedding of token t: the first-order share of f.</item>
/// <item><see cref="IntegratedGradients"/> (Sundararajan et al., 2017): (x_t − x′_t) · the mean gradient along the
/// straight path from the baseline x′ to x, with x′ = 0 (the embedding of &lt;pad&gt;) at every position. Its
/// attributions sum to f(x) − f(x′) (completeness), up to the error of the Riemann sum over the steps.</item>
/// <item><see cref="LeaveOneOut"/>: f(x) − f(x without token t), the text re-read with the token deleted.</item>
/// </list>
/// The model is put in evaluation mode (no dropout).
/// </summary>
public static class Attributions
{
    /// <summary>f for every row: the probability of the target class given embedded tokens (B, T, E): (B).</summary>
    public static Tensor Probability(BiLstmClassifier model, Tensor embedded, Tensor lengths, Tensor target) =>
        Output(model, embedded, lengths, target, AttributionOutput.Probability);

    /// <summary>f for every row: the target class's probability or logit given embedded tokens (B, T, E): (B).</summary>
    public static Tensor Output(BiLstmClassifier model, Tensor embedded, Tensor lengths, Tensor target, AttributionOutput output)
    {
        var logits = model.Classify(embedded, lengths).Logits;                                    // (B, K)
        var scores = output == AttributionOutput.Logit ? logits : logits.softmax(1);              // (B, K)
        return scores.gather(1, target.unsqueeze(1)).squeeze(1);                                  // (B)
    }

    /// <summary>f at the embedded text and at the all-zero baseline of <see cref="IntegratedGradients"/>, without gradients: (B) each, float64.</summary>
    public static (Tensor AtText, Tensor AtBaseline) Ends(BiLstmClassifier model, Tensor ids, Tensor lengths, Tensor target, AttributionOutput output)
    {
        model.eval();
        using var _ = no_grad();
        var embedded = model.Embed(ids);
        return (Output(model, embedded, lengths, target, output).to_type(ScalarType.Float64),
            Output(model, zeros_like(embedded), lengths, target, output).to_type(ScalarType.Float64));
    }

    /// <summary>Gradient × input, summed over the embedding dimension: (B, T).</summary>
    public static Tensor GradientTimesInput(BiLstmClassifier model, Tensor ids, Tensor lengths, Tensor target, AttributionOutput output = AttributionOutput.Probability)
    {
        model.eval();
        using var scope = NewDisposeScope();
        using var _ = enable_grad();
        var embedded = model.Embed(ids).detach().requires_grad_(true);                            // (B, T, E)
        var gradient = Gradient(model, embedded, lengths, target, output);                        // (B, T, E)
        var result = (gradient * embedded.detach()).sum(-1) * RealPositions(ids, lengths);        // (B, T)
        return scope.MoveToOuter(result.detach().to_type(ScalarType.Float64));
    }

    /// <summary>
    /// Integrated gradients from the all-zero embedding with <paramref name="steps"/> midpoint steps, summed over
    /// the embedding dimension: (B, T). The error of completeness falls as 1/steps². The points of the path are
    /// stacked into batches of at most <paramref name="rows"/> rows, so short texts cost a few large passes rather
    /// than many small ones.
    /// </summary>
    public static Tensor IntegratedGradients(BiLstmClassifier model, Tensor ids, Tensor lengths, Tensor target, int steps = 32, int rows = 1024,
        AttributionOutput output = AttributionOutput.Probability)
    {
        if (steps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, "integrated gradients needs at least one step.");
        }

        model.eval();
        using var scope = NewDisposeScope();
        using var _ = enable_grad();
        var embedded = model.Embed(ids).detach();                                                  // (B, T, E)
        long B = embedded.shape[0], T = embedded.shape[1], E = embedded.shape[2];
        var total = zeros_like(embedded);                                                         // (B, T, E)
        var perPass = (int)Math.Max(1, rows / Math.Max(1, B));
        for (var first = 0; first < steps; first += perPass)
        {
            var count = Math.Min(perPass, steps - first);
            Tensor summed;
            using (var pass = NewDisposeScope())
            {
                var alphas = tensor(Enumerable.Range(first, count).Select(k => (k + 0.5) / steps).ToArray()).to_type(embedded.dtype).view(count, 1, 1, 1);   // (S, 1, 1, 1)
                var points = (embedded.unsqueeze(0) * alphas).reshape(count * B, T, E).requires_grad_(true);                // (S·B, T, E), on the path
                var gradient = Gradient(model, points, lengths.repeat(count), target.repeat(count), output);                // (S·B, T, E)
                summed = pass.MoveToOuter(gradient.view(count, B, T, E).sum(dim: 0).detach());                                  // (B, T, E)
            }

            total = total + summed;
        }

        var result = (embedded * total / steps).sum(-1) * RealPositions(ids, lengths);           // (B, T)
        return scope.MoveToOuter(result.detach().to_type(ScalarType.Float64));
    }

    /// <summary>
    /// f along each row's straight path from the all-zero baseline, for <see cref="PathIntegral"/>: the points are
    /// stacked into passes of at most <paramref name="rows"/> rows. Slopes are 0 at padded positions.
    /// </summary>
    public static IPath Path(BiLstmClassifier model, Tensor ids, Tensor lengths, Tensor target, AttributionOutput output, int rows = 1024) =>
        new ModelPath(model, ids, lengths, target, output, rows);

    private sealed class ModelPath(BiLstmClassifier model, Tensor ids, Tensor lengths, Tensor target, AttributionOutput output, int rows) : IPath
    {
        public double[] Values(IReadOnlyList<(int Row, double Alpha)> points)
        {
            model.eval();
            using var _ = no_grad();
            return [.. points.Chunk(rows).SelectMany(chunk =>
            {
                using var scope = NewDisposeScope();
                var (embedded, _, pointLengths, pointTargets) = Points(chunk);
                return Output(model, embedded, pointLengths, pointTargets, output).to_type(ScalarType.Float64).data<double>().ToArray();
            })];
        }

        public (double[] Values, double[][] Slopes) Slopes(IReadOnlyList<(int Row, double Alpha)> points)
        {
            model.eval();
            var values = new List<double>(points.Count);
            var slopes = new List<double[]>(points.Count);
            foreach (var chunk in points.Chunk(rows))
            {
                using var scope = NewDisposeScope();
                using var _ = enable_grad();
                var (embedded, text, pointLengths, pointTargets) = Points(chunk);                 // (N, T, E) on the path, and x itself
                var onPath = embedded.detach().requires_grad_(true);
                var f = Output(model, onPath, pointLengths, pointTargets, output);                // (N)
                var gradient = autograd.grad([f.sum()], [onPath])[0];                              // (N, T, E)
                var slope = ((gradient * text).sum(-1) * RealPositions(ids.index_select(0, RowIndex(chunk)), pointLengths)).to_type(ScalarType.Float64);   // (N, T)
                values.AddRange(f.detach().to_type(ScalarType.Float64).data<double>().ToArray());
                var T = (int)slope.shape[1];
                var flat = slope.data<double>().ToArray();
                slopes.AddRange(Enumerable.Range(0, chunk.Length).Select(n => flat.AsSpan(n * T, T).ToArray()));
            }

            return ([.. values], [.. slopes]);
        }

        private (Tensor Embedded, Tensor Text, Tensor Lengths, Tensor Target) Points((int Row, double Alpha)[] chunk)
        {
            var index = RowIndex(chunk);
            var text = model.Embed(ids.index_select(0, index)).detach();                                      // (N, T, E)
            var alphas = tensor(chunk.Select(p => p.Alpha).ToArray()).to_type(text.dtype).view(-1, 1, 1);  // (N, 1, 1)
            return (text * alphas, text, lengths.index_select(0, index), target.index_select(0, index));
        }

        private static Tensor RowIndex((int Row, double Alpha)[] chunk) => tensor(chunk.Select(p => (long)p.Row).ToArray());
    }

    /// <summary>
    /// f(x) − f(x without token t) for every real position t: (B, T). Both texts are read alone, without padding
    /// (the blog post's unmasked forms read padding, so a deletion inside a padded batch would also change how much
    /// padding they see). A text of one token has nothing left to read without it and gets 0. The shortened texts
    /// are read in batches of at most <paramref name="batchSize"/>.
    /// </summary>
    public static Tensor LeaveOneOut(BiLstmClassifier model, Tensor ids, Tensor lengths, Tensor target, int batchSize = 256)
    {
        model.eval();
        using var _ = no_grad();
        long B = ids.shape[0], T = ids.shape[1];
        var flat = ids.data<long>().ToArray();
        var L = lengths.data<long>().ToArray();
        var classes = target.data<long>().ToArray();
        var result = new double[B * T];

        // f of the shortened texts (R, L − 1), or of the full ones, per row.
        double[] F(long[] rows, int count, long length, IEnumerable<long> rowClasses)
        {
            using var scope = NewDisposeScope();
            var embedded = model.Embed(tensor(rows, [count, length]));
            return Probability(model, embedded, full(count, length, dtype: ScalarType.Int64), tensor(rowClasses.ToArray())).to_type(ScalarType.Float64).data<double>().ToArray();
        }

        foreach (var sameLength in Enumerable.Range(0, (int)B).Where(b => L[b] >= 2).GroupBy(b => L[b]))
        {
            var length = sameLength.Key;
            var texts = sameLength.ToArray();
            var fullProbability = F(texts.SelectMany(b => flat.Skip((int)(b * T)).Take((int)length)).ToArray(), texts.Length, length, texts.Select(b => classes[b]));
            var rows = texts.SelectMany((b, i) => Enumerable.Range(0, (int)length).Select(t => (B: b, Text: i, T: t))).ToList();
            foreach (var chunk in rows.Chunk(batchSize))
            {
                var shorter = new long[chunk.Length * (length - 1)];
                for (var r = 0; r < chunk.Length; r++)
                {
                    var (b, _, t) = chunk[r];
                    var source = flat.AsSpan((int)(b * T), (int)length);
                    source[..t].CopyTo(shorter.AsSpan((int)(r * (length - 1))));
                    source[(t + 1)..].CopyTo(shorter.AsSpan((int)(r * (length - 1) + t)));
                }

                var p = F(shorter, chunk.Length, length - 1, chunk.Select(c => classes[c.B]));
                for (var r = 0; r < chunk.Length; r++)
                {
                    result[chunk[r].B * T + chunk[r].T] = fullProbability[chunk[r].Text] - p[r];
                }
            }
        }

        return tensor(result, [B, T], ScalarType.Float64);
    }

    private static Tensor Gradient(BiLstmClassifier model, Tensor embedded, Tensor lengths, Tensor target, AttributionOutput output)
    {
        // Rows are independent, so the gradient of the sum is every row's own gradient.
        var objective = Output(model, embedded, lengths, target, output).sum();
        return autograd.grad([objective], [embedded])[0];
    }

    private static Tensor RealPositions(Tensor ids, Tensor lengths) =>
        Masking.FromLengths(lengths, ids.shape[1]).to_type(ScalarType.Float32);
}
