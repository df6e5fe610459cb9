declare module "cytoscape-fcose";
declare module "cytoscape-expand-collapse";
