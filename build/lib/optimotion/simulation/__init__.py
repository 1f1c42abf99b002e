"""Simulation: every racer stepped in lockstep (`runner`), and a race over a model's
parameters projected on the plane of its trajectories (`plane`). Nothing here draws."""
