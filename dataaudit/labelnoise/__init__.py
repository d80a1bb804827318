"""Model-based label quality: out-of-fold probabilities, confident learning, a baseline; on a
regression target, out-of-fold residuals (`residuals`).

Runs only when asked for (`--label-noise`), on the sample the audit pass drew; scikit-learn
and cleanlab are imported inside these modules, never by `import dataaudit`.
"""
