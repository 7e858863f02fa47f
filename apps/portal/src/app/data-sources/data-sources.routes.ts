import { comingSoonRoutes } from '../shared/coming-soon.page';

export default comingSoonRoutes('Data Sources');
