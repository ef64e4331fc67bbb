"""The formulas the docstrings cite by tag (seeds and MODELS*.md), in LaTeX.

One source for the model pages (``.. formula:: TAG``) and for the API reference, which appends
the formulas whose tags a docstring cites.
"""

from __future__ import annotations

import re

# tag -> (title, LaTeX; lines separated by "\\\\" are aligned at "&")
FORMULAS: dict[str, tuple[str, str]] = {
    "H-1": ("Multi-factor Heston characteristic function (stable branch)", r"""
\Psi(\omega) &= \exp\Big(i\omega\ln S_t + i\omega r\tau
  + \sum_j \big[C_j(\tau,\omega)\,\bar V_j + D_j(\tau,\omega)\,V_j\big]\Big) \\
d_j &= \sqrt{(\alpha_j - \rho_j\sigma_j i\omega)^2 + \sigma_j^2(i\omega + \omega^2)},\qquad
g_j = \frac{\alpha_j - \rho_j\sigma_j i\omega - d_j}{\alpha_j - \rho_j\sigma_j i\omega + d_j} \\
C_j &= \frac{\alpha_j}{\sigma_j^2}\Big[(\alpha_j - \rho_j\sigma_j i\omega - d_j)\tau
  - 2\ln\frac{1 - g_j e^{-d_j\tau}}{1 - g_j}\Big],\qquad
D_j = \frac{\alpha_j - \rho_j\sigma_j i\omega - d_j}{\sigma_j^2}\,
  \frac{1 - e^{-d_j\tau}}{1 - g_j e^{-d_j\tau}}"""),
    "H-2": ("Call price by Gil-Pelaez inversion", r"""
C &= S_0\,\Phi_1 - e^{-rT} K\,\Phi_2 \\
\Phi_2 &= \tfrac12 + \tfrac1\pi\int_0^\infty
  \operatorname{Re}\Big[\frac{e^{-i\omega\ln K}\,\Psi(\omega)}{i\omega}\Big]d\omega,\qquad
\Phi_1 = \tfrac12 + \tfrac1\pi\int_0^\infty
  \operatorname{Re}\Big[\frac{e^{-i\omega\ln K}\,\Psi(\omega - i)}{i\omega\,\Psi(-i)}\Big]
  d\omega"""),
    "H-3": ("Merton credit spread with zero-coupon debt", r"""
D_0 &= S_0 - C(S_0, B, T) = B e^{-rT} - P(S_0, B, T) \\
CS(T) &= -\frac{1}{T}\ln\frac{D_0}{B} - r,\qquad
\mathbb{Q}(S_T < B) = 1 - \Phi_2"""),
    "H-4": ("Calibration objective: mean squared relative spread error", r"""
I(\Omega) = \frac1N\sum_{i=1}^N
  \Big(\frac{CS_i^{\Omega} - CS_i^{\mathrm{mkt}}}{CS_i^{\mathrm{mkt}}}\Big)^2"""),
    "IM-0": ("First passage of a Brownian motion with drift -1/2 in business time", r"""
P_{\mathrm{GBM}}(x_0, I) = \Phi\Big(\frac{x_0 - I/2}{\sqrt I}\Big)
  - e^{x_0}\,\Phi\Big(\frac{-x_0 - I/2}{\sqrt I}\Big)"""),
    "SF-3": ("Driftless down-and-out call", r"""
\mathrm{DOC}(Y_0, B, K^*, I) &= \mathrm{Black}(Y_0, K^*, I)
  - \frac{Y_0}{B}\,\mathrm{Black}\Big(\frac{B^2}{Y_0}, K^*, I\Big) \\
\mathrm{Black}(F, K, I) &= F\,\Phi(d_1) - K\,\Phi(d_1 - \sqrt I),\qquad
d_1 = \frac{\ln(F/K) + I/2}{\sqrt I}"""),
    "CG-1": ("CreditGrades: from equity to asset", r"""
V_0 = S_0 + \bar L D,\qquad
\sigma = \sigma_S^{\mathrm{ref}}\,\frac{S^{\mathrm{ref}}}{S^{\mathrm{ref}} + \bar L D}"""),
    "CG-2": ("CreditGrades survival (time-shift approximation)", r"""
d &= \frac{V_0}{\bar L D}\,e^{\lambda^2},\qquad A_t^2 = \sigma^2 t + \lambda^2 \\
P(t) &= \Phi\Big(-\frac{A_t}{2} + \frac{\ln d}{A_t}\Big)
  - d\,\Phi\Big(-\frac{A_t}{2} - \frac{\ln d}{A_t}\Big)"""),
    "CG-3": ("CreditGrades CDS spread, continuous premium", r"""
c(T) = r(1 - R)\,\frac{1 - P(0) + H(T)}{P(0) - P(T)\,e^{-rT} - H(T)}"""),
    "CG-4": ("The function H of CG-3", r"""
H(T) &= e^{r\xi}\big[G(T + \xi) - G(\xi)\big],\qquad \xi = \lambda^2/\sigma^2,\qquad
z = \sqrt{\tfrac14 + 2r/\sigma^2} \\
G(u) &= d^{z + 1/2}\,\Phi\Big(-\frac{\ln d}{\sigma\sqrt u} - z\sigma\sqrt u\Big)
  + d^{-z + 1/2}\,\Phi\Big(-\frac{\ln d}{\sigma\sqrt u} + z\sigma\sqrt u\Big)"""),
    "CG-5": ("Exact random-barrier survival", r"""
P_{\mathrm{exact}}(t) = \mathbb{E}_Z\Big[\mathbf 1\{L D < V_0\}\,
  P_{\mathrm{GBM}}\big(\ln\tfrac{V_0}{L D}, \sigma^2 t\big)\Big],\qquad
L = \bar L\,e^{\lambda Z - \lambda^2/2}"""),
    "SF-4": ("Equity call with default (Stamicar-Finger)", r"""
C(K, T) = e^{-qT}\,\mathrm{DOC}(V_0, L D, K^*, \sigma^2 T),\qquad
K^* = L D + K e^{-(r - q)T}"""),
    "SF-5": ("Survival of the Stamicar-Finger firm", r"""
\mathbb{P}(\tau > T) = P_{\mathrm{GBM}}\big(\ln\tfrac{V_0}{L D}, \sigma^2 T\big)"""),
    "SF-6": ("Equity put with default; parity", r"""
\mathrm{Put}(K, T) &= e^{-rT}\,\mathbb{E}\big[(K - S_T)^+\mathbf 1\{\tau > T\}\big]
  + K e^{-rT}\,\mathbb{P}(\tau \le T) \\
C - \mathrm{Put} &= S_0 e^{-qT} - K e^{-rT}"""),
    "IM-1": ("Survival by the method of images", r"""
Q(T) = \frac{2e^{x_0/2}}{\pi}\int_0^\infty \frac{k\sin(k x_0)}{k^2 + 1/4}\,
  \hat L\Big(T; \frac{k^2 + 1/4}{2}\Big)\,dk,\qquad
\hat L(T; u) = \mathbb{E}\big[e^{-u\int_0^T v_s\,ds}\big]"""),
    "IM-2": ("Equity call by the method of images", r"""
C(K, T) = e^{-qT}\Big\{S_0 - \frac{2\sqrt{V_0 K^*}}{\pi}\int_0^\infty
  \frac{\sin(k x_0)\sin(k x_K)}{k^2 + 1/4}\,\hat L\Big(T; \frac{k^2 + 1/4}{2}\Big)\,dk\Big\},
  \qquad x_K = \ln(K^*/B)"""),
    "WI-1": ("Wishart stochastic covariance", r"""
\frac{dV_i}{V_i} &= (r - q_i)\,dt + \big(\sqrt{\Sigma_t}\,dB_t\big)_i \\
d\Sigma_t &= \big(\Omega\Omega^\top + M\Sigma_t + \Sigma_t M^\top\big)dt
  + \sqrt{\Sigma_t}\,dW_t\,Q + Q^\top dW_t^\top\sqrt{\Sigma_t}"""),
    "WI-2": ("Affine transform of the integrated Wishart process", r"""
\mathbb{E}\big[e^{-\operatorname{Tr}(\Gamma\int_0^T\Sigma_t\,dt)}\big]
  &= e^{-\operatorname{Tr}(A(T)\Sigma_0) - c(T)} \\
A' &= AM + M^\top A - 2AQ^\top QA + \Gamma,\quad A(0) = 0,\qquad
c' = \operatorname{Tr}(\Omega\Omega^\top A),\quad c(0) = 0"""),
    "WI-3": ("Closed form by linearisation", r"""
H = \begin{pmatrix} -M & 2Q^\top Q \\ \Gamma & M^\top \end{pmatrix},\qquad
e^{tH} = \begin{pmatrix} E_{11} & E_{12} \\ E_{21} & E_{22} \end{pmatrix},\qquad
A(t) = E_{21}(t)\,E_{11}(t)^{-1}"""),
    "WI-4": ("The scalar term when the drift is beta Q'Q", r"""
c(t) = \frac\beta2\big[\ln\det E_{11}(t) + t\operatorname{Tr}M\big]"""),
    "PC-1": ("Principal-component stochastic covariance", r"""
\Sigma_t = A\Lambda_t A^\top,\qquad
d\lambda_j = \kappa_j(\theta_j - \lambda_j)\,dt + \varepsilon_j\sqrt{\lambda_j}\,dZ_j"""),
    "PC-3": ("Marginal transform of the principal-component model", r"""
\hat L_i(T; u) = \prod_j \hat L_{\mathrm{CIR}}\big(T; u A_{ij}^2;
  \kappa_j, \theta_j, \varepsilon_j, \lambda_j(0)\big)"""),
    "JS-1": ("Joint survival under constant correlation (Zhou's wedge formula)", r"""
Q_{12}(t) &= \int_0^\alpha\!\!\int_0^\infty e^{\nu\cdot(u - u_0) - |\nu|^2 t/2}\,
  p_\alpha(t; r, \phi \mid r_0, \phi_0)\,r\,dr\,d\phi,\qquad \alpha = \pi - \arccos\rho \\
p_\alpha &= \frac{2}{\alpha t}\,e^{-(r^2 + r_0^2)/(2t)}\sum_{n\ge1}
  \sin\frac{n\pi\phi}{\alpha}\,\sin\frac{n\pi\phi_0}{\alpha}\,
  I_{n\pi/\alpha}\Big(\frac{r r_0}{t}\Big)"""),
    "JS-2": ("Joint default probability and default correlation", r"""
P_{12}(t) &= 1 - Q_1(t) - Q_2(t) + Q_{12}(t),\qquad P_i = 1 - Q_i \\
\rho^{D}_{12}(t) &= \frac{P_{12} - P_1 P_2}{\sqrt{P_1(1 - P_1)\,P_2(1 - P_2)}}"""),
    "CDS-1": ("Structural CDS spread, continuous premium", r"""
s = \frac{(1 - R)\,\mathrm{Prot}(T)}{\int_0^T e^{-rt} Q(t)\,dt},\qquad
\mathrm{Prot}(T) = 1 - e^{-rT}Q(T) - r\int_0^T e^{-rt}Q(t)\,dt"""),
    "CDS-2": ("Structural CDS spread, quarterly premium without accrual", r"""
s_q = \frac{(1 - R)\,\mathrm{Prot}(T)}{\sum_k \Delta_k e^{-r t_k} Q(t_k)}"""),
    "CDS-3": ("Structural CDS spread, quarterly premium with accrual on default", r"""
s_{qa} = \frac{(1 - R)\,\mathrm{Prot}(T)}{\sum_k \Delta_k e^{-r t_k} Q(t_k)
  + \sum_k\int_{t_{k-1}}^{t_k}(t - t_{k-1})\,e^{-rt}\,(-dQ(t))}"""),
    "HC-1": ("CIR integrated-variance transform", r"""
\hat L_{\mathrm{CIR}}(T; u) &= \mathbb{E}\big[e^{-u\int_0^T v_t\,dt}\big]
  = e^{A_c(T) - B_c(T)\,v_0},\qquad \gamma = \sqrt{\kappa^2 + 2\varepsilon^2 u} \\
B_c(T) &= \frac{2u(1 - e^{-\gamma T})}
  {(\gamma + \kappa)(1 - e^{-\gamma T}) + 2\gamma e^{-\gamma T}},
\qquad A_c(T) = \frac{2\kappa\theta}{\varepsilon^2}\Big[\ln(2\gamma) + \frac{(\kappa - \gamma)T}{2}
  - \ln\big((\gamma + \kappa)(1 - e^{-\gamma T}) + 2\gamma e^{-\gamma T}\big)\Big]"""),
    # formulas the seeds state without a tag (MODELS.md sections 2 and 3); keys in lower case
    "zero-curve": ("Zero curve, piecewise-flat forwards", r"""
P(0, t) = e^{-r(t)\,t},\qquad r(t)\,t \text{ linear between pillars},\qquad
f(t) = -\frac{d\ln P(0, t)}{dt} \text{ piecewise flat}"""),
    "hazard-curve": ("Piecewise-constant hazard curve", r"""
Q(t) = \exp\Big(-\int_0^t h(u)\,du\Big),\qquad h(u) = h_i \text{ on } (t_{i-1}, t_i]"""),
    "cds-legs": ("CDS legs on any survival curve", r"""
\mathrm{Prot} &= (1 - R)\Big[(1 - Q(0))\,\mathbf 1\{\text{start} = 0\}
  + \int_{\text{start}}^T P(0, u)\,(-dQ(u))\Big] \\
\mathrm{RPV01} &= \sum_k \Delta_k P(0, t_k)\,Q(t_k)
  + \sum_k \int_{t_{k-1}}^{t_k} (u - t_{k-1})\,P(0, u)\,(-dQ(u)),\qquad
s_{\mathrm{par}} = \frac{\mathrm{Prot}}{\mathrm{RPV01}}"""),
    "forward-cds": ("Forward CDS (knock-out)", r"""
F(t_1, T) = \frac{\mathrm{Prot}(t_1, T)}{\mathrm{RPV01}(t_1, T)},\qquad
h_f = -\frac{\ln(Q(t_2)/Q(t_1))}{t_2 - t_1}"""),
    "cds-option": ("CDS option", r"""
V_{\mathrm{payer}} = A_0\,\mathbb{E}\big[(F_T - K)^+\big],\qquad
V_{\mathrm{receiver}} = A_0\,\mathbb{E}\big[(K - F_T)^+\big],\qquad
\mathbb{E}[F_T] = x_0 + \mu T"""),
    "black-cds-option": ("Black payer", r"""
V = A_0\big[F\,\Phi(d_1) - K\,\Phi(d_1 - \sigma\sqrt T)\big],\qquad
d_1 = \frac{\ln(F/K) + \sigma^2 T/2}{\sigma\sqrt T}"""),
    "bootstrap": ("Bootstrapping", r"""
\text{pillar by pillar: } h_i \text{ (or } r_i\text{) solves }
\mathrm{model}_i(h_1, \dots, h_i) = \mathrm{quote}_i"""),
    "black-scholes-cf": ("Black-Scholes characteristic function and variance transform", r"""
\mathbb{E}\big[e^{iuX_t}\big] = e^{-\frac12\sigma^2 t\,(u^2 + iu)},\qquad
\mathbb{E}\big[e^{-s\int_0^t \sigma^2\,du}\big] = e^{-s\sigma^2 t}"""),
    "mc-estimate": ("Monte Carlo estimate", r"""
\hat\mu = \frac1N\sum_{n=1}^N X_n,\qquad
\mathrm{s.e.} = \frac{\hat\sigma}{\sqrt N},\qquad
|\hat\mu - \mu_{\mathrm{ref}}| \le 3\,\mathrm{s.e.}"""),
}

# public names whose docstrings cite no tag, and the formulas they implement
BY_NAME: dict[str, list[str]] = {
    "FlatCurve": ["zero-curve"], "ZeroCurve": ["zero-curve"], "FlatHazardCurve": ["hazard-curve"],
    "HazardCurve": ["hazard-curve"], "bootstrap_hazard_curve": ["bootstrap", "cds-legs"],
    "bootstrap_zero_curve": ["bootstrap", "zero-curve"], "Bond": ["zero-curve"],
    "treasury_zero_curve": ["bootstrap", "zero-curve"], "CDS": ["cds-legs"],
    "forward_cds": ["forward-cds", "cds-legs"], "CIR": ["HC-1"],
    "cds_option_price": ["cds-option", "black-cds-option"],
    "cds_option_greeks": ["cds-option", "black-cds-option"],
    "implied_black_vol": ["black-cds-option"], "CDSOption": ["cds-option", "forward-cds"],
    "first_to_default_spread": ["JS-2", "cds-legs"], "Estimate": ["mc-estimate"],
    "Heston": ["H-1"], "BlackScholes": ["black-scholes-cf"], "GammaProcess": ["cds-option"],
    "ConstantCovariance": ["JS-1"],
}

TAG = re.compile(r"\b((?:H|HC|IM|SF|CG|WI|PC|JS|CDS)-\d)\b")


def cited(text: str, name: str = "") -> list[str]:
    """Tags of :data:`FORMULAS` cited in ``text`` (in order of first appearance), then those
    :data:`BY_NAME` gives for the public name ``name``."""
    out: list[str] = []
    for tag in TAG.findall(text or ""):
        if tag in FORMULAS and tag not in out:
            out.append(tag)
    return out + [k for k in BY_NAME.get(name, []) if k not in out]


def rst(tag: str, indent: str = "") -> str:
    """The formula as a titled ``.. math::`` block."""
    title, latex = FORMULAS[tag]
    body = "\n".join(indent + "   " + line for line in latex.strip().splitlines())
    label = f"**({tag})** " if tag[0].isupper() else ""
    return f"{indent}{label}{title}\n\n{indent}.. math::\n\n{body}\n"
