"""Measures: alignment (UN voting), influence (FBIC-style bandwidth × dependence), national
defence-network scores, networks and risks; each documented and tested on hand-computed cases."""
