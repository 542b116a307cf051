"""The core library of the e-gov extranet toolkit: inventory model, and the parts built on it."""
