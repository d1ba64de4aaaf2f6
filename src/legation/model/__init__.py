"""The model layer: calibrated Monte Carlo scenarios of alignment under military engagement (see
docs/model.md): `calibrate` estimates, `kernel` simulates, `scenario` describes a question,
`backtest` scores the model against strong baselines."""
